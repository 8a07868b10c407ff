//! Bare addresses in text, found as WordPress's `make_clickable` finds
//! them (`wp-includes/formatting.php`). An address is at most
//! [`MAX_ADDRESS`] bytes and the search moves forward only, so the work per
//! byte of text is bounded.

/// A bare address found in a word: bytes `start..end`, and whether it is a
/// `www.` address that needs `http://` in front.
pub(super) struct Address {
    pub start: usize,
    pub end: usize,
    pub www: bool,
}

/// Longest address linked, as make_clickable's limit.
const MAX_ADDRESS: usize = 2000;

/// The first address in `word` as make_clickable finds it: `http://` or
/// `https://` at the start or after one of `(<.,;:!?`, or `www.` at the
/// start.
pub(super) fn next_address(word: &str) -> Option<Address> {
    let bytes = word.as_bytes();
    let www = bytes.len() > 4 && bytes[..4].eq_ignore_ascii_case(b"www.");
    if www
        && word.len() <= MAX_ADDRESS
        && let Some(end) = www_end(word)
    {
        return Some(Address {
            start: 0,
            end,
            www: true,
        });
    }
    let mut at = 0;
    while let Some(found) = find_url_start(&word[at..]) {
        let start = at + found;
        let after_edge = start == 0 || b"(<.,;:!?".contains(&bytes[start - 1]);
        if after_edge && word.len() - start <= MAX_ADDRESS {
            let scheme = if bytes[start + 4] == b':' { 7 } else { 8 };
            if let Some(end) = url_end(word, start, start + scheme) {
                return Some(Address {
                    start,
                    end,
                    www: false,
                });
            }
        }
        at = start + 1;
    }
    None
}

/// make_clickable's characters of an address, besides letters and digits.
fn url_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80 || b"_#%~/@[]*(+=&$-".contains(&c)
}

/// Punctuation that stays in an address only with more address after it.
fn url_punctuation(c: u8) -> bool {
    b"'.,;:!?)".contains(&c)
}

/// Whether an escaped `<`, `>` or `"` starts at `i`: the address ends there.
fn at_escape(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    [&b"&lt;"[..], b"&gt;", b"&quot;"]
        .iter()
        .any(|e| rest.len() >= e.len() && rest[..e.len()].eq_ignore_ascii_case(e))
}

/// Where the address whose scheme ends at `from` ends, with parentheses
/// kept only when they pair up; `None` if nothing follows the scheme.
fn url_end(word: &str, start: usize, from: usize) -> Option<usize> {
    let bytes = word.as_bytes();
    let char_at = |i: usize| i < bytes.len() && url_char(bytes[i]) && !at_escape(bytes, i);
    let mut end = from;
    loop {
        while char_at(end) {
            end += 1;
        }
        if end < bytes.len() && url_punctuation(bytes[end]) && char_at(end + 1) {
            end += 1;
            continue;
        }
        break;
    }
    if end == from {
        return None;
    }
    let url = &word[start..end];
    if bytes.get(end) == Some(&b')') && url.contains('(') {
        end += 1;
    }
    let mut opens = word[start..end].matches('(').count();
    let mut closes = word[start..end].matches(')').count();
    while opens < closes {
        let cut = start + word[start..end].rfind(')').expect("a closing parenthesis");
        opens -= word[cut..end].matches('(').count();
        closes -= word[cut..end].matches(')').count();
        end = cut;
    }
    (end > from).then_some(end)
}

/// Where the `www.` address at the start of `word` ends.
fn www_end(word: &str) -> Option<usize> {
    let bytes = word.as_bytes();
    let www_char =
        |c: u8| c.is_ascii_alphanumeric() || c >= 0x80 || b"_#$%&~/.-;:=,?@[]+".contains(&c);
    let mut end = 4;
    while end < bytes.len() && www_char(bytes[end]) && !at_escape(bytes, end) {
        end += 1;
    }
    if end > 4 && b".,;:".contains(&bytes[end - 1]) {
        end -= 1;
    }
    (end > 4).then_some(end)
}

/// Where the first `http://` or `https://` (in any case) starts. Looks at
/// each byte once, so linking a long text stays linear in its length.
pub(super) fn find_url_start(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len()).find(|&i| {
        let rest = &bytes[i..];
        let scheme = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        (rest[0] | 0x20) == b'h' && (scheme(b"http://") || scheme(b"https://"))
    })
}
