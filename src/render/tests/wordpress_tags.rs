//! WordPress comment HTML: images, bare addresses, other tags and deep
//! nesting, and its plain text.

use super::super::{MAX_NESTING, plain_text, render_legacy_html, render_wordpress};
use super::{assert_harmless, nesting_depth, wp};

const REL: &str = "rel=\"nofollow ugc noopener noreferrer\"";

#[test]
fn images_become_links_to_their_address() {
    assert_eq!(
        wp("see <img src=\"https://example.org/cat.png\" alt=\"a cat\" width=\"10\"> now"),
        format!("<p>see <a href=\"https://example.org/cat.png\" {REL}>a cat</a> now</p>\n")
    );
    assert_eq!(
        wp("<img src='http://example.org/x.png'>"),
        format!("<p><a href=\"http://example.org/x.png\" {REL}>http://example.org/x.png</a></p>\n")
    );
    // Other addresses leave the alt text only; inside a link, the alt text.
    assert_eq!(
        wp("<img src=\"javascript:alert(1)\" alt=\"x\"> <img src=\"data:image/png;base64,AA\">"),
        "<p>x</p>\n"
    );
    assert_eq!(
        wp(
            "<a href=\"https://example.org\"><img src=\"https://example.org/i.png\" alt=\"home\"></a>"
        ),
        format!("<p><a href=\"https://example.org\" {REL}>home</a></p>\n")
    );
}

#[test]
fn bare_addresses_become_links_as_make_clickable_makes_them() {
    assert_eq!(
        wp(
            "Read https://example.org/a?b=1&amp;c=2, or (https://en.example.org/wiki/Foo_(bar)). www.example.org/x!"
        ),
        format!(
            "<p>Read <a href=\"https://example.org/a?b=1&amp;c=2\" {REL}>https://example.org/a?b=1&amp;c=2</a>, or (<a href=\"https://en.example.org/wiki/Foo_(bar)\" {REL}>https://en.example.org/wiki/Foo_(bar)</a>). <a href=\"http://www.example.org/x\" {REL}>http://www.example.org/x</a>!</p>\n"
        )
    );
    // Not inside a link, pre or code, and not glued to a word.
    for kept in [
        "<a href=\"https://example.org\">https://example.org</a>",
        "<code>https://example.org</code>",
        "<pre>www.example.org</pre>",
        "xhttps://example.org",
        "awww.example.org",
        "https://",
    ] {
        let html = wp(kept);
        assert!(
            html.matches("href").count() <= kept.matches("href").count(),
            "{kept} -> {html}"
        );
    }
}

#[test]
fn other_tags_keep_their_text_and_blocks_keep_words_apart() {
    assert_eq!(
        wp("<div>one</div><div>two</div><h2>three</h2>four<span>five</span><hr>six"),
        "<p>one</p>\n<p>two</p>\n<p>three</p>\n<p>fourfive</p>\n<p>six</p>\n"
    );
    assert_eq!(
        wp("<ul><li><div>a</div>b</li></ul>"),
        "<ul>\n<li><p>a</p>\n<p>b</p>\n</li>\n</ul>\n"
    );
    assert_eq!(
        wp(
            "<b>bold</b> <i>it</i> <s>gone</s> <strike>old</strike> <u>under</u><script>x()</script><!-- note -->."
        ),
        "<p><strong>bold</strong> <em>it</em> <del>gone</del> <del>old</del> under.</p>\n"
    );
}

#[test]
fn deep_nesting_is_flattened_before_the_allow_list() {
    let n = 100_000;
    let inputs = [
        "<blockquote>".repeat(n) + "deep" + &"</blockquote>".repeat(n),
        "<blockquote>".repeat(n) + "unclosed",
        "<ul><li>".repeat(n) + "item" + &"</li></ul>".repeat(n),
        "<ul><li>".repeat(n) + "unclosed",
        "<b><i>".repeat(n) + "bold",
        "<table><tr><td>".repeat(n / 4) + "cell",
        "<div>".repeat(n) + "div",
        "<li>".repeat(n) + "flat",
    ];
    for input in &inputs {
        for html in [render_wordpress(input), render_legacy_html(input)] {
            let depth = nesting_depth(html.as_str());
            assert!(depth <= MAX_NESTING + 4, "{}…: depth {depth}", &input[..12]);
            assert_harmless(&input[..12], html.as_str());
            let text = plain_text(&html);
            for word in ["deep", "unclosed", "item", "bold", "cell", "div", "flat"] {
                if input.contains(word) {
                    assert!(text.contains(word), "{}…: {word} lost", &input[..12]);
                }
            }
        }
    }
    // The levels that fit are kept.
    let html = wp(&("<blockquote>".repeat(10) + "ten"));
    assert_eq!(html.matches("<blockquote>").count(), 10);
}

#[test]
fn plain_text_keeps_cells_terms_and_descriptions_apart() {
    let html = render_wordpress(
        "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table><dl><dt>term</dt><dd>meaning</dd></dl>after",
    );
    assert_eq!(
        plain_text(&html),
        "k | v\na | 1\n\nterm\n: meaning\n\nafter"
    );
}

#[test]
fn plain_text_keeps_line_breaks_and_items_single() {
    let html = render_wordpress("one\ntwo\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>");
    assert_eq!(plain_text(&html), "one\ntwo\n\n- a\n- b");
}
