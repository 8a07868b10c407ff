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
    for input in HOSTILE {
        let html = render(input);
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
