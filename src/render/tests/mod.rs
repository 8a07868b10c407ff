//! Hostile inputs: whatever an author writes, nothing executable comes out.

use super::render;

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](javascript%3Aalert(1))",
    "[x](\\javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "![pixel](https://tracker.example/p.gif)",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][ref]\n\n[ref]: data:text/html,<script>alert(1)</script>",
    "<javascript:alert(1)>",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
    "[x](https://ok.example \"title\" onclick=alert(1))",
    "[x](https://ok.example\" onclick=\"alert(1))",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<a href=\"//evil.example\">protocol-relative</a>",
    "[rel](/relative/path)",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<isindex action=javascript:alert(1) type=image>",
    "<img src=\"https://ok.example/i.png\" alt=\"<script>alert(1)</script>\">",
    "<img src=\"https://ok.example/\" onerror=alert(1)//\" alt='\"><script>alert(1)</script>'>",
    "www.ok.example/\"onmouseover=alert(1)// https://ok.example/?a=&quot;><script>alert(1)</script>",
    "<a href=\"https://ok.example\">https://ok.example <a href=\"javascript:alert(1)\">in</a></a>",
    "<pre><img src=x onerror=alert(1)>\n<table><td onclick=alert(1)>x</td></table></pre>",
];

const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
];

/// Reads the tags of html5ever-serialised output and checks each one.
fn assert_harmless(input: &str, html: &str) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after
            .find('>')
            .unwrap_or_else(|| panic!("unclosed tag in {html:?}"));
        let tag = &after[..close];
        rest = &after[close + 1..];
        let tag = tag.trim_start_matches('/');
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(
            ALLOWED_TAGS.contains(&name),
            "tag <{name}> from {input:?}: {html}"
        );
        let mut attrs = attrs;
        while let Some(eq) = attrs.find("=\"") {
            let attr = attrs[..eq].trim();
            let value_end = attrs[eq + 2..].find('"').expect("quoted attribute");
            let value = &attrs[eq + 2..eq + 2 + value_end];
            attrs = &attrs[eq + 2 + value_end + 1..];
            match attr {
                "href" => assert!(
                    ["http://", "https://", "mailto:"]
                        .iter()
                        .any(|s| value.starts_with(s)),
                    "href {value:?} from {input:?}"
                ),
                "rel" => assert_eq!(value, "nofollow ugc noopener noreferrer"),
                "start" => assert!(value.chars().all(|c| c.is_ascii_digit())),
                _ => panic!("attribute {attr} from {input:?}: {html}"),
            }
        }
        assert!(
            attrs.trim().is_empty(),
            "stray attribute text {attrs:?} from {input:?}"
        );
    }
}

#[test]
fn hostile_inputs_render_nothing_executable() {
    assert!(HOSTILE.len() >= 40);
    for (input, html) in HOSTILE.iter().flat_map(|input| {
        // The same strings as WordPress comment HTML.
        [render(input), super::render_wordpress(input)].map(|html| (input, html))
    }) {
        assert_harmless(input, html.as_str());
        // Only markup can execute: look at the tags, not at escaped text.
        let lower: String = html
            .as_str()
            .to_ascii_lowercase()
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("|");
        assert!(!lower.contains("script"), "{input:?} -> {lower}");
        assert!(!lower.contains("href=\"javascript"), "{input:?} -> {lower}");
        assert!(!lower.contains("href=\"data:"), "{input:?} -> {lower}");
        assert!(!lower.contains("img"), "{input:?} -> {lower}");
        assert!(!lower.contains(" on"), "{input:?} -> {lower}");
    }
}

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
    for input in HOSTILE {
        let once = render(input);
        assert_eq!(once, render(input));
        assert_eq!(
            super::render_wordpress(input),
            super::render_wordpress(input)
        );
    }
}

#[test]
fn legacy_html_is_sanitised_and_mapped() {
    let html = super::render_legacy_html(
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
    for input in HOSTILE {
        assert_harmless(input, super::render_legacy_html(input).as_str());
    }
}

#[test]
fn plain_text_of_html() {
    let html = super::render_legacy_html(
        "<p>One &amp; two<br>three</p><p>Four <a href=\"https://x.org\">link</a> &lt;5&gt;</p>",
    );
    assert_eq!(
        super::plain_text(&html),
        "One & two\nthree\n\nFour link <5>"
    );
}

/// The deepest element nesting in html5ever-serialised output.
fn nesting_depth(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>').expect("tags are closed");
        let tag = &after[..close];
        rest = &after[close + 1..];
        if let Some(_name) = tag.strip_prefix('/') {
            depth = depth.checked_sub(1).expect("no stray closing tag");
        } else if !tag.starts_with("br") {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    deepest
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
        assert!(
            depth <= super::MAX_NESTING,
            "{}…: depth {depth}",
            &input[..12]
        );
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

/// WordPress comment HTML: each conversion of `comment_text` on its own.
mod wordpress {
    use super::super::{MAX_NESTING, plain_text, render_legacy_html, render_wordpress};
    use super::{assert_harmless, nesting_depth};

    const REL: &str = "rel=\"nofollow ugc noopener noreferrer\"";

    fn wp(content: &str) -> String {
        render_wordpress(content).into_string()
    }

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

    #[test]
    fn images_become_links_to_their_address() {
        assert_eq!(
            wp("see <img src=\"https://example.org/cat.png\" alt=\"a cat\" width=\"10\"> now"),
            format!("<p>see <a href=\"https://example.org/cat.png\" {REL}>a cat</a> now</p>\n")
        );
        assert_eq!(
            wp("<img src='http://example.org/x.png'>"),
            format!(
                "<p><a href=\"http://example.org/x.png\" {REL}>http://example.org/x.png</a></p>\n"
            )
        );
        // Other addresses leave the alt text only; inside a link, the alt text.
        assert_eq!(
            wp(
                "<img src=\"javascript:alert(1)\" alt=\"x\"> <img src=\"data:image/png;base64,AA\">"
            ),
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
}
