//! The browser files in `widget/`, embedded in the binary: `/embed.js`,
//! `/embed.css`, `/i18n/…`, and the demo page at `/`. Each is sent with an
//! ETag and, when the browser takes it, brotli or gzip (compressed as hard
//! as they can be when first asked for, then kept: not at start, which
//! stays quick).

use super::answer::{self, Negotiation};
use crate::app::cache::{Effort, Encoded};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use warp::http::{HeaderValue, header};
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection};

#[derive(rust_embed::Embed)]
#[folder = "widget/"]
#[exclude = "*.md"]
struct Files;

/// The admin page runs only its own files and cannot be framed.
const ADMIN_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                         connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Encoded files, by path; filled on first request.
static ENCODED: LazyLock<Mutex<HashMap<String, Arc<Encoded>>>> = LazyLock::new(Default::default);

/// The demo page at `/` shares natter's origin with the admin page, so it
/// runs only natter's own files too (its scripts are files, not inline).
const DEMO_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                        connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// GET /{file}: a widget file; `/` is the demo page. The file is looked
/// up before the method, so another method on an address that is no file
/// is a 404, not a 405.
pub fn routes() -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    warp::path::full()
        .and_then(|path: FullPath| async move {
            let file = match path.as_str().trim_start_matches('/') {
                "" => "demo/index.html",
                "admin" | "admin/" => "admin/index.html",
                p => p,
            };
            match Files::get(file) {
                Some(_) => Ok(file.to_string()),
                None => Err(warp::reject::not_found()),
            }
        })
        .and(warp::get())
        .and(answer::negotiation())
        .and_then(|path: String, n: Negotiation| async move {
            let (answer, mime) = load(&path).ok_or_else(warp::reject::not_found)?;
            let cache = if path.ends_with(".html") {
                "no-cache"
            } else {
                "public, max-age=300"
            };
            let mut res = answer::send(&answer, &n, mime, cache);
            let h = res.headers_mut();
            if path.ends_with(".html") {
                h.insert("x-frame-options", HeaderValue::from_static("DENY"));
            }
            if path.starts_with("admin/") {
                h.insert(
                    "content-security-policy",
                    HeaderValue::from_static(ADMIN_CSP),
                );
                h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            } else if path.starts_with("demo/") {
                h.insert(
                    "content-security-policy",
                    HeaderValue::from_static(DEMO_CSP),
                );
            }
            Ok::<_, Rejection>(res)
        })
}

fn load(path: &str) -> Option<(Arc<Encoded>, &'static str)> {
    let file = Files::get(path)?;
    let mime = match path.rsplit('.').next() {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    let key = crate::keys::hex(&file.metadata.sha256_hash());
    let mut encoded = ENCODED.lock().unwrap_or_else(|p| p.into_inner());
    let answer = encoded
        .entry(format!("{path}:{key}"))
        .or_insert_with(|| {
            if path == "embed.js" || path.starts_with("js/") {
                // Its tag is of what is sent: lean, and with the words.
                let mut data = lean(&file.data);
                if path == "embed.js" {
                    data = with_english(&data);
                }
                let tag = crate::keys::hex(&sha2::Sha256::digest(&data));
                return Arc::new(Encoded::from_bytes(&data, &tag, Effort::File));
            }
            Arc::new(Encoded::from_bytes(&file.data, &key, Effort::File))
        })
        .clone();
    Some((answer, mime))
}

/// Where `embed.js` takes its English words, which are kept in
/// `i18n/en.json` so that natter's own pages can use them too.
const ENGLISH_SLOT: &str = "/*i18n/en.json*/ {}";

/// `embed.js` with `i18n/en.json` (without its spaces) in its slot: an
/// English reader needs no other file.
fn with_english(script: &[u8]) -> Vec<u8> {
    let script = std::str::from_utf8(script).expect("embed.js is UTF-8");
    let words = Files::get("i18n/en.json").expect("i18n/en.json is embedded");
    let words: serde_json::Value =
        serde_json::from_slice(&words.data).expect("i18n/en.json is JSON");
    assert!(script.contains(ENGLISH_SLOT), "embed.js has {ENGLISH_SLOT}");
    script
        .replacen(ENGLISH_SLOT, &words.to_string(), 1)
        .into_bytes()
}

/// The widget's script without what only its readers need: comment-only
/// lines, blank lines and each line's indentation (DESIGN §12's budget).
/// Line breaks stay, so the code means the same; it holds no string or
/// template literal across lines (the tests check).
fn lean(script: &[u8]) -> Vec<u8> {
    let script = std::str::from_utf8(script).expect("the widget's scripts are UTF-8");
    let mut out = String::with_capacity(script.len());
    let mut in_comment = false;
    for line in script.lines() {
        let mut code = line.trim();
        if in_comment {
            // The rest of a `/* … */` that began on a line of its own.
            let Some(end) = code.find("*/") else { continue };
            in_comment = false;
            code = code[end + 2..].trim_start();
        } else if let Some(rest) = code.strip_prefix("/*") {
            match rest.find("*/") {
                None => {
                    in_comment = true;
                    continue;
                }
                Some(end) => code = rest[end + 2..].trim_start(),
            }
        }
        if code.is_empty() || code.starts_with("//") {
            continue;
        }
        out.push_str(code);
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lean_drops_comment_lines_and_indentation_only() {
        let src = "/* head */\n(() => {\n  // a note\n  /** doc\n   *  more */\n  const a = 1; // kept\n\n  /* x */ go(a);\n  const u = 'http://x';\n})();\n";
        let out = String::from_utf8(lean(src.as_bytes())).unwrap();
        assert_eq!(
            out,
            "(() => {\nconst a = 1; // kept\ngo(a);\nconst u = 'http://x';\n})();\n"
        );
    }

    /// Leaning is safe only while no literal spans lines: a backtick
    /// template that did would lose its indentation and comment-like lines.
    #[test]
    fn no_widget_script_has_a_literal_across_lines() {
        for path in Files::iter().filter(|p| p == "embed.js" || p.starts_with("js/")) {
            let file = Files::get(&path).unwrap();
            let text = std::str::from_utf8(&file.data).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim();
                if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
                    continue;
                }
                assert!(
                    line.matches('`').count() % 2 == 0,
                    "{path}:{}: a template literal across lines",
                    n + 1
                );
                assert!(
                    !line.ends_with('\\'),
                    "{path}:{}: a string across lines",
                    n + 1
                );
            }
        }
    }
}
