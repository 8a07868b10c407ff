//! The no-JS thread page's frame: the document around the thread and its
//! form, its one stylesheet (light and dark) allowed by its hash, its
//! Content-Security-Policy, and the addresses of its own links.

use super::words::Words;
use crate::app::PageQuery;
use crate::app::view::Sort;
use crate::domain::{CommentId, Site};
use crate::render::escape;
use std::fmt::Write;
use std::sync::LazyLock;

/// Where a link of the page leads: the page it shows, with changes.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub page: PageQuery,
    pub sort: Option<Sort>,
    pub cursor: Option<String>,
    pub reply: Option<CommentId>,
    pub embed: bool,
}

impl Place {
    /// The address of `GET /thread` for this place on natter's `base`;
    /// `done` and `anchor` are the status to show and where to go.
    pub fn href(&self, base: &url::Url, done: Option<&str>, anchor: &str) -> String {
        let mut url = base.join("thread").unwrap_or_else(|_| base.clone());
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("url", self.page.url.as_deref().unwrap_or_default());
            if let Some(id) = self.page.page_id.as_deref().filter(|p| !p.is_empty()) {
                q.append_pair("page_id", id);
            }
            if let Some(s) = self.sort.filter(|s| *s != Sort::Oldest) {
                q.append_pair("sort", s.as_str());
            }
            if let Some(c) = self
                .cursor
                .as_deref()
                .filter(|c| !c.is_empty() && *c != "0")
            {
                q.append_pair("cursor", c);
            }
            if let Some(r) = self.reply {
                q.append_pair("reply", &r.0.to_string());
            }
            if self.embed {
                q.append_pair("embed", "1");
            }
            if let Some(d) = done {
                q.append_pair("done", d);
            }
        }
        url.set_fragment(Some(anchor).filter(|a| !a.is_empty()));
        String::from(url)
    }
}

/// The page's one stylesheet: light, and dark by `prefers-color-scheme`.
pub const STYLE: &str = ":root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#545454;--line:#c8c8c8;--soft:#f2f2f2;--link:#0b4f9c;--err:#a3141b;--ok:#14622c}\
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#161616;--muted:#b5b5b5;--line:#4a4a4a;--soft:#242424;--link:#8cc4ff;--err:#ff9c9c;--ok:#8fe0a6}}\
body{font-family:system-ui,sans-serif;font-size:1.0625rem;line-height:1.55;margin:0;color:var(--fg);background:var(--bg)}\
main{max-width:42rem;margin:0 auto;padding:1rem}a{color:var(--link)}\
.n-skip{position:absolute;inset-inline-start:.5rem;top:-3rem;padding:.5rem 1rem;background:var(--bg);border:2px solid var(--link)}.n-skip:focus{top:.5rem}\
.n-top{max-width:42rem;margin:0 auto;padding:.5rem 1rem 0}\
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.25rem}h3{font-size:1.125rem}\
.n-sort ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;padding:0;margin:0 0 1rem}\
.n-sort a[aria-current]{font-weight:bold;text-decoration:none;color:var(--fg)}\
.n-list{list-style:none;padding:0;margin:0}.n-sub{padding-inline-start:1.25rem;border-inline-start:2px solid var(--line)}\
.n-c{padding:.75rem 0;border-top:1px solid var(--line)}.n-ch{display:flex;gap:.6rem;align-items:center}\
.n-av{width:2.25rem;height:2.25rem;border-radius:50%}.n-who{display:flex;flex-wrap:wrap;gap:.25rem .6rem;align-items:baseline}\
.n-muted{color:var(--muted)}.n-ok{color:var(--ok)}.n-badge{font-size:.85rem;padding:0 .4rem;border:1px solid var(--line);border-radius:3px}\
.n-body{overflow-wrap:anywhere}.n-body pre{overflow:auto;background:var(--soft);padding:.5rem}.n-body blockquote{margin:.5rem 0;padding-inline-start:.75rem;border-inline-start:3px solid var(--line)}\
.n-acts{display:flex;gap:1rem;flex-wrap:wrap;font-size:.95rem}\
.n-box{margin-top:2rem;padding-top:.5rem;border-top:2px solid var(--line)}\
.n-f{margin:0 0 1rem}.n-f label{display:block;font-weight:600}.n-check label{display:inline;font-weight:normal}\
input,textarea,button{font:inherit;color:inherit}\
textarea,input:not([type=checkbox]){box-sizing:border-box;width:100%;max-width:36rem;padding:.45rem;border:2px solid var(--muted);border-radius:4px;background:var(--bg)}\
[aria-invalid=true]{border-color:var(--err)!important}.n-hint{margin:.1rem 0 .3rem;color:var(--muted);font-size:.95rem}\
.n-err{color:var(--err);font-weight:600;margin:.25rem 0}.n-hp{display:none}\
button{padding:.55rem 1.2rem;border:2px solid var(--link);border-radius:4px;background:var(--link);color:var(--bg);cursor:pointer}\
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #e08600;outline-offset:2px}\
.n-summary{border:3px solid var(--err);padding:.5rem 1rem;margin:0 0 1rem}.n-summary h2{margin:.25rem 0}\
.n-status{border:2px solid var(--ok);padding:.5rem 1rem;margin:0 0 1rem}";

/// `style-src` for [`STYLE`], by its hash.
static STYLE_SRC: LazyLock<String> = LazyLock::new(|| {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
    format!("'sha256-{hash}'")
});

/// The page's Content-Security-Policy: nothing runs; framed only by the
/// site's own origins when `embed`, else by nobody.
pub fn csp(site: Option<&Site>, embed: bool) -> String {
    let ancestors = match site {
        Some(s) if embed => s
            .origins
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        _ => "'none'".to_string(),
    };
    format!(
        "default-src 'none'; style-src {}; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}",
        *STYLE_SRC
    )
}

/// A page's parts, put in its frame by [`document`].
pub struct Frame<'a> {
    pub words: Words,
    pub title: &'a str,
    /// The reader's page, for "Back to the page" (not when embedded).
    pub back: Option<&'a str>,
    pub embed: bool,
    /// The skip link's target, if the page has a form.
    pub skip: Option<&'a str>,
}

/// The whole document: `body` is the `<main>`'s HTML, made of escaped
/// values and sanitised comments only.
pub fn document(f: &Frame, body: &str) -> String {
    let w = f.words;
    let mut out = String::with_capacity(body.len() + STYLE.len() + 1024);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"{}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex, follow\">\n<meta name=\"referrer\" content=\"strict-origin-when-cross-origin\">\n",
        w.lang(),
        w.dir()
    );
    // Embedded, links in comments open a new tab, not the little frame;
    // natter's own links and the form say `_self`.
    if f.embed {
        out.push_str("<base target=\"_blank\">\n");
    }
    let _ = write!(
        out,
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(f.title)
    );
    if let Some(skip) = f.skip {
        let _ = writeln!(
            out,
            "<a class=\"n-skip\" href=\"#{}\" target=\"_self\">{}</a>",
            escape(skip),
            escape(&w.page("page_thread_skip", &[]))
        );
    }
    if let Some(back) = f.back.filter(|_| !f.embed) {
        let _ = writeln!(
            out,
            "<header class=\"n-top\"><p><a href=\"{}\">{}</a></p></header>",
            escape(back),
            escape(&w.page("page_thread_back", &[]))
        );
    }
    let _ = write!(
        out,
        "<main id=\"main\">\n<h1>{}</h1>\n{body}</main>\n</body>\n</html>\n",
        escape(f.title)
    );
    out
}

/// The links that sort the thread, the current one marked.
pub fn sort_links(w: Words, here: &Place, now: Sort, base: &url::Url) -> String {
    let mut out = format!(
        "<nav class=\"n-sort\" aria-label=\"{}\"><ul>",
        escape(&w.t("sort", &[]))
    );
    for sort in [Sort::Oldest, Sort::Newest, Sort::Top] {
        let place = Place {
            sort: Some(sort),
            cursor: None,
            reply: None,
            ..here.clone()
        };
        let current = if sort == now {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<li><a href=\"{}\" target=\"_self\"{current}>{}</a></li>",
            escape(&place.href(base, None, "")),
            escape(&w.t(sort.as_str(), &[]))
        );
    }
    out.push_str("</ul></nav>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_page_and_drop_defaults() {
        let base = url::Url::parse("https://c.example/natter/").unwrap();
        let place = Place {
            page: PageQuery {
                url: Some("https://blog.example/a?b=1&c=\"x\"".into()),
                page_id: None,
            },
            sort: Some(Sort::Oldest),
            cursor: Some("0".into()),
            reply: Some(CommentId(7)),
            embed: true,
        };
        assert_eq!(
            place.href(&base, Some("held"), "status"),
            "https://c.example/natter/thread?url=https%3A%2F%2Fblog.example%2Fa%3Fb%3D1%26c%3D%22x%22&reply=7&embed=1&done=held#status"
        );
    }

    #[test]
    fn the_policy_allows_the_style_and_frames_only_when_embedded() {
        let site = crate::domain::Site::new(
            "s",
            "S",
            &[
                "https://blog.example".into(),
                "https://www.blog.example".into(),
            ],
            Default::default(),
        )
        .unwrap();
        assert!(csp(Some(&site), false).ends_with("frame-ancestors 'none'"));
        assert!(
            csp(Some(&site), true)
                .ends_with("frame-ancestors https://blog.example https://www.blog.example")
        );
        assert!(csp(None, false).contains(&*STYLE_SRC));
    }
}
