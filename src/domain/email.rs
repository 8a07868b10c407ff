//! What natter takes as an email address.

/// A plain address and nothing else: one `@`; before it letters, digits and
/// `.!$*+-/=^_{|}~`; after it a dotted domain of letters, digits and
/// hyphens. Anything that could make a `mailto:` carry more or mean
/// something else (`?`, `&`, `#`, `%`, `,`, `;`, spaces, `<>`, quotes,
/// control characters) is refused. The confirmation
/// email is the real test.
pub fn looks_like_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || ".!$*+-/=^_{|}~".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// What to tell someone whose email address [`looks_like_email`] refused.
pub const EMAIL_HELP: &str = "Write the email address alone, like name@example.org: one @, no spaces, and nothing after the address such as ?, commas or semicolons. Or leave it empty.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_plain_addresses() {
        for ok in [
            "jo@example.org",
            "jo.smith+natter@mail.example.co.uk",
            "zoë@exämple.de",
            "a_b-c@x-y.example",
        ] {
            assert!(looks_like_email(ok), "{ok}");
        }
        for bad in [
            "a@b.c?bcc=spy@evil.example",
            "a@b.c,spy@evil.example",
            "a@b.c;spy@evil.example",
            "a@b.c&cc=spy@evil.example",
            "a%3Fcc=spy%40evil.example@b.c",
            "a#@b.c",
            "a b@example.org",
            "<a@example.org>",
            "\"a\"@example.org",
            "'a'@example.org",
            "a@exa_mple.org",
            "a@example..org",
            "a@.example.org",
            "a@example.org.",
            "a@example",
            "a@-example.org",
            "a\u{7}@example.org",
            "a@example.org\n",
            "@example.org",
            "a@",
            "a@b@example.org",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }
}
