//! Markdown and imported HTML: what is kept, what becomes text, and how
//! deep nesting is bounded.

use super::super::{MAX_NESTING, plain_text, render, render_legacy_html, render_wordpress};
use super::{HOSTILE, assert_harmless, nesting_depth};

#[test]
fn raw_html_is_shown_as_text() {
    let html = render("hello <b>world</b>");
    assert_eq!(html.as_str(), "<p>hello &lt;b&gt;world&lt;/b&gt;</p>\n");
}

#[test]
fn markdown_renders() {
    assert_eq!(
        render("*a* **b** ~~c~~ `d`").as_str(),
        "<p><em>a</em> <strong>b</strong> <del>c</del> <code>d</code></p>\n"
    );
    assert!(
        render("> q\n\n- one\n- two")
            .as_str()
            .contains("<blockquote>")
    );
    assert!(render("1. x\n2. y").as_str().contains("<ol>"));
}

#[test]
fn links_are_nofollow_and_bare_urls_become_links() {
    let html = render("see https://example.org/a?b=1, then [home](https://example.org).");
    assert_eq!(
        html.as_str(),
        "<p>see <a href=\"https://example.org/a?b=1\" rel=\"nofollow ugc noopener noreferrer\">https://example.org/a?b=1</a>, then <a href=\"https://example.org\" rel=\"nofollow ugc noopener noreferrer\">home</a>.</p>\n"
    );
    assert!(
        render("<https://example.org>")
            .as_str()
            .contains("href=\"https://example.org\"")
    );
    assert!(!render("`https://example.org`").as_str().contains("href"));
}

#[test]
fn images_become_links_not_pixels() {
    let html = render("![a cat](https://example.org/cat.png)");
    assert!(
        html.as_str()
            .contains("<a href=\"https://example.org/cat.png\"")
    );
    assert!(html.as_str().contains("a cat"));
}

#[test]
fn rendering_is_stable() {
    for input in HOSTILE.concat() {
        let once = render(input);
        assert_eq!(once, render(input));
        assert_eq!(render_wordpress(input), render_wordpress(input));
    }
}

#[test]
fn legacy_html_is_sanitised_and_mapped() {
    let html = render_legacy_html(
        "<p>Hi <b>bold</b> <I>it</I> <strike>old</strike> <blockquote>q</blockquote> <img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a></p>",
    );
    let h = html.as_str();
    assert!(
        h.contains("<strong>bold</strong>")
            && h.contains("<em>it</em>")
            && h.contains("<del>old</del>"),
        "{h}"
    );
    assert!(!h.contains("img") && !h.contains("javascript"), "{h}");
    for input in HOSTILE.concat() {
        assert_harmless(input, render_legacy_html(input).as_str());
    }
}

#[test]
fn plain_text_of_html() {
    let html = render_legacy_html(
        "<p>One &amp; two<br>three</p><p>Four <a href=\"https://x.org\">link</a> &lt;5&gt;</p>",
    );
    assert_eq!(plain_text(&html), "One & two\nthree\n\nFour link <5>");
}

#[test]
fn deep_nesting_is_flattened() {
    let n = 100_000;
    let inputs = [
        ">".repeat(n),
        "> ".repeat(n) + "quoted",
        "1. ".repeat(n) + "item",
        "* a\n".to_string()
            + &(1..200)
                .map(|i| format!("{}* a\n", "  ".repeat(i)))
                .collect::<String>(),
        "*".repeat(n) + "a" + &"*".repeat(n),
        "~~".repeat(n) + "a" + &"~~".repeat(n),
        "> 1. *".repeat(n / 4) + "deep",
        // Every `](…)` holds an address that becomes a link: fewer will do.
        "[".repeat(n / 10) + "a" + &"](https://example.org)".repeat(n / 10),
    ];
    for input in &inputs {
        let html = render(input);
        let depth = nesting_depth(html.as_str());
        assert!(depth <= MAX_NESTING, "{}…: depth {depth}", &input[..12]);
        assert_harmless(&input[..12], html.as_str());
    }
    // The text inside survives the flattening.
    assert!(
        render(&("> ".repeat(n) + "quoted"))
            .as_str()
            .contains("quoted")
    );
    assert!(
        render(&("1. ".repeat(n) + "item"))
            .as_str()
            .contains("item")
    );
}

#[test]
fn shallow_nesting_is_kept() {
    let html = render(&("> ".repeat(10) + "ten deep"));
    assert_eq!(html.as_str().matches("<blockquote>").count(), 10);
    assert_eq!(nesting_depth(html.as_str()), 11);
}
