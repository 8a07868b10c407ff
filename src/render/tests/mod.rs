//! Hostile inputs: whatever an author writes, nothing executable comes out.
//! The tables are one file per subject; every input goes through both
//! Markdown and WordPress HTML, and the output is read back tag by tag.

use super::render;

mod embedded;
mod markdown;
mod parsing;
mod schemes;
mod scripts;
mod wordpress;
mod wordpress_tags;

/// Every table of hostile inputs, one per subject.
const HOSTILE: [&[&str]; 4] = [
    scripts::HOSTILE,
    schemes::HOSTILE,
    embedded::HOSTILE,
    parsing::HOSTILE,
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
    let inputs: Vec<&str> = HOSTILE.concat();
    assert!(inputs.len() >= 40);
    for (input, html) in inputs.iter().flat_map(|input| {
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

/// WordPress comment HTML as rendered, for comparing with what WordPress shows.
fn wp(content: &str) -> String {
    super::render_wordpress(content).into_string()
}
