//! natter's own small pages, reached from emails: plain HTML with no
//! script, in the site's language. Buttons post back to the same address,
//! so that a mail scanner opening a link changes nothing.

use super::strings::Words;
use crate::render::escape;

/// The Content-Security-Policy of these pages.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The script of the sign-in hand-off page, run from its hash.
pub const HANDOFF_JS: &str = "(function(){var d=JSON.parse(document.getElementById('natter-handoff').textContent);\
if(window.opener&&!window.opener.closed){window.opener.postMessage(d.message,d.origin);\
if(d.message.type==='natter:signin'){window.close();}}else if(d.message.type==='natter:signin'){location.replace(d.back);}})();";

/// The Content-Security-Policy of the hand-off page: the pages' own, with
/// only [`HANDOFF_JS`] allowed to run.
pub fn handoff_csp() -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(HANDOFF_JS));
    format!("{CSP}; script-src 'sha256-{hash}'")
}

/// A page being built.
pub struct Page {
    words: Words,
    title: String,
    html: String,
}

impl Page {
    pub fn new(words: Words, title: &str) -> Page {
        Page {
            words,
            title: title.to_string(),
            html: String::new(),
        }
    }

    pub fn para(mut self, text: &str) -> Page {
        self.html.push_str(&format!("<p>{}</p>\n", escape(text)));
        self
    }

    /// A comment's text, shown as plain text.
    pub fn quote(mut self, text: &str) -> Page {
        let lines: Vec<String> = text.lines().map(escape).collect();
        self.html.push_str(&format!(
            "<blockquote>{}</blockquote>\n",
            lines.join("<br>")
        ));
        self
    }

    /// A button that posts `name=value` back to this page's address.
    pub fn button(mut self, label: &str, name: &str, value: &str) -> Page {
        self.html.push_str(&format!(
            "<form method=\"post\"><input type=\"hidden\" name=\"{}\" value=\"{}\"><button type=\"submit\">{}</button></form>\n",
            escape(name),
            escape(value),
            escape(label)
        ));
        self
    }

    /// The form that asks for a privacy link.
    pub fn privacy_form(mut self, site: &str) -> Page {
        let w = self.words;
        self.html.push_str(&format!(
            "<form method=\"post\" action=\"privacy\">\n<input type=\"hidden\" name=\"site\" value=\"{site}\">\n\
             <p><label for=\"email\">{email}</label><br><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required></p>\n\
             <fieldset><legend>{title}</legend>\n\
             <p><input type=\"radio\" id=\"export\" name=\"action\" value=\"export\" checked> <label for=\"export\">{export}</label></p>\n\
             <p><input type=\"radio\" id=\"erase\" name=\"action\" value=\"erase\"> <label for=\"erase\">{erase}</label></p>\n\
             </fieldset>\n<p><button type=\"submit\">{send}</button></p>\n</form>\n",
            site = escape(site),
            email = escape(&w.t("page_privacy_email", &[])),
            title = escape(&w.t("page_privacy_title", &[])),
            export = escape(&w.t("page_privacy_export", &[])),
            erase = escape(&w.t("page_privacy_erase", &[])),
            send = escape(&w.t("page_privacy_send", &[])),
        ));
        self
    }

    /// The form that asks for an address to email a sign-in link to; it
    /// posts to `action` with the flow's `state`.
    pub fn email_form(mut self, action: &str, state: &str) -> Page {
        let w = self.words;
        self.html.push_str(&format!(
            "<form method=\"post\" action=\"{action}\">\n<input type=\"hidden\" name=\"state\" value=\"{state}\">\n\
             <p><label for=\"email\">{email}</label><br><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required></p>\n\
             <p><button type=\"submit\">{send}</button></p>\n</form>\n",
            action = escape(action),
            state = escape(state),
            email = escape(&w.t("page_signin_email", &[])),
            send = escape(&w.t("page_signin_send", &[])),
        ));
        self
    }

    /// A link (a plain `<a>`), such as "Back to the page".
    pub fn link(mut self, label: &str, href: &str) -> Page {
        self.html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>\n",
            escape(href),
            escape(label)
        ));
        self
    }

    /// The sign-in callback's hand-off (DESIGN §15): `message` goes to the
    /// opener, addressed to `origin` only, and the window closes; without
    /// an opener (a popup whose opener was cut off) the reader goes to
    /// `back`. The data sits in a JSON block, `<` escaped, and the script
    /// is [`HANDOFF_JS`], allowed by its hash ([`handoff_csp`]).
    pub fn handoff(mut self, message: &serde_json::Value, origin: &str, back: &str) -> Page {
        let data = serde_json::json!({ "message": message, "origin": origin, "back": back });
        let json = data
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026");
        self.html.push_str(&format!(
            "<script type=\"application/json\" id=\"natter-handoff\">{json}</script>\n<script>{HANDOFF_JS}</script>\n"
        ));
        self
    }

    pub fn finish(self) -> String {
        let dir = if self.words.rtl() { "rtl" } else { "ltr" };
        format!(
            "<!doctype html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n{body}</main>\n</body>\n</html>\n",
            lang = self.words.lang(),
            title = escape(&self.title),
            body = self.html,
        )
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;font-size:1.125rem;line-height:1.5;margin:0;padding:1rem;color:#111;background:#fff}\
main{max-width:36rem;margin:0 auto}\
blockquote{margin:1rem 0;padding:.5rem 1rem;border-inline-start:4px solid #777;background:#f3f3f3}\
button{font:inherit;padding:.6rem 1.2rem;margin:.25rem 0;border:2px solid #1a4f8b;border-radius:4px;background:#1a4f8b;color:#fff;cursor:pointer}\
button:focus{outline:3px solid #f90;outline-offset:2px}\
input[type=email]{font:inherit;padding:.4rem;width:100%;max-width:24rem;border:2px solid #555;border-radius:4px}\
fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:bold}\
@media (prefers-color-scheme:dark){body{color:#eee;background:#151515}blockquote{background:#262626}}";
