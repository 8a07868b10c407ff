//! The command line run on a test database, for import and export tests.

use super::{ORIGIN, TempDir, TestServer, config};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A file of tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs natter with `args` on the database in `dir`.
pub fn cli(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .arg("--database")
        .arg(dir.path("natter.db"))
        .current_dir(&dir.0)
        .output()
        .expect("natter runs")
}

/// Standard output of a run that must succeed.
pub fn ok(o: Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "stdout: {out}\nstderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Standard error of a run that must fail.
pub fn failed(o: Output) -> String {
    assert!(
        !o.status.success(),
        "expected failure, got: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A database with the blog site registered by `natter site add blog
/// --origin ORIGIN` and `extra` arguments.
pub fn database_with(name: &str, extra: &[&str]) -> TempDir {
    let dir = TempDir::new(name);
    let mut args = vec!["site", "add", "blog", "--origin", ORIGIN];
    args.extend_from_slice(extra);
    ok(cli(&dir, &args));
    dir
}

/// natter serving the database in `dir`, with its sites as the command
/// line registered them.
pub async fn server_on(dir: &TempDir) -> TestServer {
    let mut cfg = config(dir);
    cfg.database = dir.path("natter.db");
    cfg.sites.clear();
    TestServer::with(TempDir::new("unused"), cfg).await
}

/// One number from the database in `dir`.
pub fn count(dir: &TempDir, sql: &str) -> i64 {
    let db = rusqlite::Connection::open(dir.path("natter.db")).unwrap();
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The `peak memory: N MiB` line of an import's summary.
pub fn peak_mib(out: &str) -> u64 {
    out.lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|l| l.trim_end_matches(" MiB").parse().ok())
        .expect("the summary reports peak memory")
}

/// Runs `natter import FORMAT FILE --site SITE` on the database in `dir`.
pub fn import_file(dir: &TempDir, format: &str, file: &Path, site: &str) -> Output {
    cli(
        dir,
        &["import", format, file.to_str().unwrap(), "--site", site],
    )
}
