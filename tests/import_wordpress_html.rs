//! WordPress comment HTML imported through the command line and read back
//! through the API looks as WordPress's comment_text filters showed it:
//! wpautop paragraphs and breaks, lists, `pre`, tables, definition lists,
//! images as links and bare addresses linked.

mod common;

use common::importing::*;
use common::*;

const REL: &str = "rel=\"nofollow ugc noopener noreferrer\"";

/// A database with the blog site registered and the fixture imported.
fn imported(name: &str) -> TempDir {
    let dir = database_with(name, &[]);
    let file = fixture("wordpress-html.xml");
    let out = ok(import_file(&dir, "wordpress", &file, "blog"));
    assert!(out.contains("comments imported: 2"), "{out}");
    dir
}

/// The stored editable text of the comment whose HTML contains `needle`.
fn stored_text(dir: &TempDir, needle: &str) -> String {
    let db = rusqlite::Connection::open(dir.path("natter.db")).unwrap();
    db.query_row(
        "SELECT text FROM comments WHERE html LIKE '%' || ?1 || '%'",
        [needle],
        |r| r.get(0),
    )
    .unwrap()
}

/// The part of `html` from `open` to the end of `close`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in {html}"));
    let end = html[start..]
        .find(close)
        .unwrap_or_else(|| panic!("no {close} after {open} in {html}"));
    &html[start..start + end + close.len()]
}

#[tokio::test]
async fn wordpress_comment_html_looks_as_wordpress_showed_it() {
    let dir = imported("wphtml");
    let s = server_on(&dir).await;
    let t = s.thread("/2024/06/volunteer-rotas").await;
    let first = &t["comments"][0];
    let html = first["html"].as_str().unwrap();

    // Paragraphs and single line breaks, as wpautop makes them.
    assert!(
        html.starts_with(
            "<p>We did this at the food bank for two years.<br>\nIt worked until about forty volunteers.</p>"
        ),
        "{html}"
    );
    assert!(html.contains("<p>What finally helped:</p>"), "{html}");
    // A list with no line breaks between its items.
    let list = between(html, "<ul>", "</ul>");
    assert!(!list.contains("<br>") && !list.contains("<p>"), "{list}");
    assert_eq!(list.matches("<li>").count(), 3, "{list}");
    assert!(
        list.contains("<li>a column for <strong>backup</strong> names</li>"),
        "{list}"
    );
    // Text after the list is a paragraph again, its bare addresses linked
    // with the punctuation after them left outside.
    assert!(
        html.contains(&format!(
            "<p>Our template is at <a href=\"https://sheets.example.org/rota-template\" {REL}>https://sheets.example.org/rota-template</a> (read-only), and the how-to at <a href=\"http://www.example.org/rota-guide\" {REL}>http://www.example.org/rota-guide</a>.</p>"
        )),
        "{html}"
    );

    let reply = &first["replies"][0];
    let html = reply["html"].as_str().unwrap();
    assert!(!html.contains("<br>"), "no break next to a block: {html}");
    assert!(
        html.contains("<p>For the shift counts I use this formula:</p>"),
        "{html}"
    );
    // The formula keeps its own line breaks and spaces.
    assert!(
        html.contains("<pre>=COUNTIFS(B:B, \"Sat\",\n          C:C, \"\")</pre>"),
        "{html}"
    );
    // A table of four rows, a header row first.
    let table = between(html, "<table>", "</table>");
    assert_eq!(table.matches("<tr>").count(), 4, "{table}");
    assert!(
        table.contains("<tr><th>Week</th><th>Shifts</th><th>Empty</th></tr>"),
        "{table}"
    );
    assert!(
        table.contains("<tr><td>3</td><td>26</td><td>0</td></tr>"),
        "{table}"
    );
    // A definition list, its terms and descriptions apart.
    let dl = between(html, "<dl>", "</dl>");
    assert!(
        dl.contains("<dt>Shift</dt>") && dl.contains("<dd>Three hours at one site</dd>"),
        "{dl}"
    );
    // An image is a link to it, named by its alt text; one from a data:
    // address leaves only its alt text.
    assert!(
        html.contains(&format!(
            "<p>The screenshot: <a href=\"https://blog.example.org/wp-content/uploads/2024/06/rota.png\" {REL}>The rota for June</a> and the old one old rota.</p>"
        )),
        "{html}"
    );
    assert!(!html.contains("data:") && !html.contains("<img"), "{html}");

    // The editable text keeps cells, terms and descriptions apart.
    let text = stored_text(&dir, "COUNTIFS");
    for glued in ["WeekShifts", "2426", "ShiftThree", "siteBackup"] {
        assert!(!text.contains(glued), "{glued:?} in {text}");
    }
    assert!(text.contains("Week"), "{text}");
}
