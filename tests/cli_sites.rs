//! Sites given in natter.toml are known to every command on a fresh
//! database, not only after `natter serve` has run once.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

fn natter(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .current_dir(&dir.0)
        .env_remove("NATTER_CONFIG")
        .env_remove("NATTER_SITES")
        .output()
        .expect("natter runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A folder with a natter.toml naming the site `blog`, and no database yet.
fn configured(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    std::fs::write(
        dir.path("natter.toml"),
        format!("[[site]]\nid = \"blog\"\norigins = [\"{ORIGIN}\"]\n"),
    )
    .unwrap();
    assert!(!dir.path("natter.db").exists());
    dir
}

#[test]
fn site_list_on_a_fresh_database_shows_the_configured_sites() {
    let dir = configured("cli-sites-list");
    let o = natter(&dir, &["site", "list"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("blog\t"), "{out}");
    assert!(out.contains(ORIGIN), "{out}");
}

#[test]
fn import_on_a_fresh_database_finds_the_configured_site() {
    let dir = configured("cli-sites-import");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wordpress.xml");
    let o = natter(
        &dir,
        &[
            "import",
            "wordpress",
            fixture.to_str().unwrap(),
            "--site",
            "blog",
        ],
    );
    assert!(
        o.status.success(),
        "stdout: {}\nstderr: {}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("comments imported:"));
}

#[test]
fn an_unknown_site_is_named_plainly() {
    let dir = configured("cli-sites-unknown");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wordpress.xml");
    let o = natter(
        &dir,
        &[
            "import",
            "wordpress",
            fixture.to_str().unwrap(),
            "--site",
            "shop",
        ],
    );
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("there is no site shop;"), "{err}");
    assert!(!err.contains("SiteId"), "{err}");
}
