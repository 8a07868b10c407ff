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
    configured_with(name, "")
}

/// The same, with more lines for the site.
fn configured_with(name: &str, more: &str) -> TempDir {
    let dir = TempDir::new(name);
    std::fs::write(
        dir.path("natter.toml"),
        format!("[[site]]\nid = \"blog\"\norigins = [\"{ORIGIN}\"]\n{more}"),
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
    // The fixture's blog has a page addressed as /?page_id=2.
    let dir = configured_with("cli-sites-import", "keep_query = [\"p\", \"page_id\"]\n");
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

#[test]
fn a_query_parameter_for_a_configured_site_is_kept_in_natter_toml() {
    let dir = configured("cli-sites-keep-query");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wordpress.xml");
    let file = fixture.to_str().unwrap();
    let o = natter(&dir, &["import", "wordpress", file, "--site", "blog"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("--keep-query page_id"),
        "{}",
        text(&o.stderr)
    );
    // natter.toml sets the site again at every start, so the command line
    // cannot keep the parameter for it: the answer says where to.
    let o = natter(
        &dir,
        &[
            "import",
            "wordpress",
            file,
            "--site",
            "blog",
            "--keep-query",
            "page_id",
        ],
    );
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("site blog is set in natter.toml: add keep_query = [\"page_id\"] to it there"),
        "{err}"
    );
}

#[test]
fn site_add_refuses_what_the_admin_page_refuses() {
    let dir = TempDir::new("cli-sites-checked");
    // The admin page allows edits for at most seven days, and wants a name.
    for (flags, said) in [
        (
            &["--edit-window", "30d"][..],
            "settings.edit_window_seconds",
        ),
        (&["--name", " "][..], "a name of 1 to 200 characters"),
    ] {
        let mut args = vec!["site", "add", "blog", "--origin", ORIGIN];
        args.extend_from_slice(flags);
        let o = natter(&dir, &args);
        assert!(!o.status.success(), "{flags:?} was accepted");
        let err = text(&o.stderr);
        assert!(err.contains(said), "{err}");
    }
    let o = natter(&dir, &["site", "list"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains("blog"), "{}", text(&o.stdout));
}
