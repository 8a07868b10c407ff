//! Character references in text that another system stored HTML-escaped
//! (Isso's names and websites, WordPress's author names).

/// Decodes each HTML character reference once (`&amp;` → `&`, `&#39;` →
/// `'`, `&eacute;` → `é`); an `&` that starts no known reference stays as
/// it is, so text that was never escaped comes through unchanged.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match reference(after) {
            Some((decoded, used)) => {
                out.push_str(&decoded);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The reference at the start of `s` (just after its `&`): what it stands
/// for and how many bytes it took, `;` included.
fn reference(s: &str) -> Option<(String, usize)> {
    // The longest HTML5 entity name is 31 characters.
    let semi = s.bytes().take(33).position(|b| b == b';')?;
    let name = &s[..semi];
    let decoded = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        char::from_u32(code)
            .filter(|c| *c != '\0')
            .map(String::from)?
    } else if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        quick_xml::escape::resolve_html5_entity(name)?.to_string()
    } else {
        return None;
    };
    Some((decoded, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::decode_entities;

    #[test]
    fn references_are_decoded_once() {
        assert_eq!(
            decode_entities("O'Brien &amp; &lt;Sons&gt;"),
            "O'Brien & <Sons>"
        );
        assert_eq!(decode_entities("O&#039;Brien &#x27;n&#X27;"), "O'Brien 'n'");
        assert_eq!(decode_entities("Ren&eacute;e"), "Renée");
        assert_eq!(decode_entities("&amp;lt;"), "&lt;");
    }

    #[test]
    fn text_that_was_never_escaped_stays() {
        for s in [
            "AT&T",
            "Fish & chips; peas",
            "a&b;c",
            "&#xZZ;",
            "&#0;",
            "&",
            "&;",
            "tail &",
        ] {
            assert_eq!(decode_entities(s), s, "{s}");
        }
    }
}
