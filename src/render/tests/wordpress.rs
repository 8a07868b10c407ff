//! WordPress comment HTML laid out as WordPress shows it: paragraphs,
//! breaks, lists, `pre`, tables and definition lists.

use super::wp;

#[test]
fn blank_lines_make_paragraphs_and_single_newlines_breaks() {
    assert_eq!(
        wp("one\ntwo\r\n\r\n\n  three\n"),
        "<p>one<br>\ntwo</p>\n<p>three</p>\n"
    );
    assert_eq!(
        wp("<p>mine\nstill</p>\n\nnext"),
        "<p>mine<br>\nstill</p>\n<p>next</p>\n"
    );
    // Two breaks in a row are a paragraph, as wpautop reads them.
    assert_eq!(wp("a<br><br>\nb<br />\nc"), "<p>a</p>\n<p>b<br>\nc</p>\n");
    // A newline right after a `<br>` is the same line end; one before
    // it is another.
    assert_eq!(wp("a\n<br>\nb"), "<p>a<br>\n<br>\nb</p>\n");
}

#[test]
fn lists_have_no_breaks_between_items() {
    assert_eq!(
        wp("Steps:\n<ol start=\"3\">\n<li>one</li>\n<li>two\nlines</li>\n</ol>\nafter"),
        "<p>Steps:</p>\n<ol start=\"3\">\n<li>one</li>\n<li>two<br>\nlines</li>\n</ol>\n<p>after</p>\n"
    );
    // Items left open are closed by the next one, as browsers do.
    assert_eq!(
        wp("<ul><li>a<li>b</ul>"),
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
    );
}

#[test]
fn pre_keeps_its_newlines_and_no_paragraphs() {
    assert_eq!(
        wp("code:\n<pre>fn main() {\n\n    go();\n}</pre>\nafter"),
        "<p>code:</p>\n<pre>fn main() {\n\n    go();\n}</pre>\n<p>after</p>\n"
    );
    assert!(!wp("<pre>see https://example.org</pre>").contains("href"));
}

#[test]
fn text_in_items_cells_and_quotes_is_wrapped_as_wpautop_wraps_it() {
    // Text in a quote is a paragraph; in an item or a cell it is bare
    // until a blank line or a block, after which it is a paragraph.
    assert_eq!(
        wp("<blockquote>quoted\ntext</blockquote>"),
        "<blockquote>\n<p>quoted<br>\ntext</p>\n</blockquote>\n"
    );
    assert_eq!(
        wp("<ul><li>first\n\nsecond</li></ul>"),
        "<ul>\n<li>first<p>second</p>\n</li>\n</ul>\n"
    );
    assert_eq!(
        wp("<ul><li>a<ul><li>b</li></ul>c</li></ul>"),
        "<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n<p>c</p>\n</li>\n</ul>\n"
    );
}

#[test]
fn tables_come_across_as_tables() {
    let html = wp(
        "<table class=\"wide\">\n<tr><th>k</th><th>v</th></tr>\n<tr><td>a</td><td>1\n2</td></tr>\n</table>",
    );
    assert_eq!(
        html,
        "<table>\n<tbody>\n<tr><th>k</th><th>v</th></tr>\n<tr><td>a</td><td>1<br>\n2</td></tr>\n</tbody>\n</table>\n"
    );
}

#[test]
fn definition_lists_come_across_as_lists() {
    assert_eq!(
        wp("<dl>\n<dt>term</dt>\n<dd>meaning</dd>\n<dt>other<dd>too</dl>"),
        "<dl>\n<dt>term</dt>\n<dd>meaning</dd>\n<dt>other</dt>\n<dd>too</dd>\n</dl>\n"
    );
}
