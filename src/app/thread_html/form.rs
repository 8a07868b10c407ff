//! The no-JS page's comment form: what a reader typed, checked field by
//! field in the site's language as the widget checks it (the server's own
//! rules then apply in `App::post`), and the form written back with every
//! value kept and each error beside its field.

use super::words::Words;
use crate::domain::SiteSettings;
use crate::domain::email::looks_like_email;
use crate::error::Error;
use crate::render::escape;
use std::fmt::Write;

/// What `POST /thread` sent, as typed.
#[derive(Debug, Clone, Default)]
pub struct FormFields {
    pub url: String,
    pub page_id: String,
    pub parent: String,
    pub text: String,
    pub name: String,
    pub email: String,
    pub website: String,
    pub replies: bool,
    pub thread: bool,
    pub posts: bool,
    pub form_token: String,
    /// The honeypot (`homepage`, as in the JSON API).
    pub homepage: String,
    pub sort: String,
    pub embed: bool,
}

/// A mistake to show: the field it belongs to (a form control's name, or
/// `None` for the form as a whole) and what to do.
pub type Mistake = (Option<&'static str>, String);

/// The typed fields' mistakes, all at once, in the reader's words.
pub fn check(f: &FormFields, s: &SiteSettings, w: Words) -> Vec<Mistake> {
    let mut bad: Vec<Mistake> = Vec::new();
    let mut fail = |field: &'static str, text: String| {
        if !bad.iter().any(|(f, _)| *f == Some(field)) {
            bad.push((Some(field), text));
        }
    };
    if f.text.trim().is_empty() {
        fail("text", w.t("eText", &[]));
    }
    let limits = [
        ("text", &f.text, s.text_max),
        ("name", &f.name, s.name_max),
        ("email", &f.email, s.email_max),
        ("website", &f.website, s.website_max),
    ];
    for (field, value, max) in limits {
        if value.trim().chars().count() > max as usize {
            fail(field, w.n("eLong", u64::from(max)));
        }
    }
    let (name, email, website) = (f.name.trim(), f.email.trim(), f.website.trim());
    if s.require_name && name.is_empty() {
        fail("name", w.t("eReq", &[]));
    }
    if s.require_email && email.is_empty() {
        fail("email", w.t("eReq", &[]));
    }
    if (f.replies || f.thread || f.posts) && email.is_empty() {
        fail("email", w.t("eNotify", &[]));
    }
    if !email.is_empty() && !looks_like_email(email) {
        fail("email", w.t("eEmail", &[]));
    }
    let web = url::Url::parse(website)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if !website.is_empty() && !web {
        fail("website", w.t("eUrl", &[]));
    }
    bad
}

/// The form controls a server error can be shown beside.
const FIELDS: [&str; 4] = ["text", "name", "email", "website"];

/// A refused post in the reader's words, beside its field if it has one.
pub fn explain(e: &Error, w: Words) -> Mistake {
    let word = |key: &str| w.t(key, &[]);
    match e {
        Error::Validation { field, message } => {
            let field = FIELDS.iter().find(|f| *f == field).copied();
            (field, message.clone())
        }
        Error::Duplicate => (Some("text"), word("duplicate")),
        Error::Banned => (None, word("banned")),
        Error::ThreadLocked => (None, word("thread_locked")),
        Error::SignInRequired => (None, w.page("page_thread_signin", &[])),
        Error::UnknownSite { .. } => (None, word("unknown_site")),
        Error::ForbiddenOrigin { .. } => (None, w.page("page_thread_forbidden", &[])),
        Error::RateLimited { retry_after } => (None, w.n("rate_limited", *retry_after)),
        Error::UnsupportedMediaType => (None, w.page("page_thread_form_type", &[])),
        Error::Internal(_) | Error::DiskFull(_) | Error::DatabaseLocked(_) => {
            (None, word("internal"))
        }
        other => (None, other.to_string()),
    }
}

/// The summary at the top of a refused form, each line linking its field.
pub fn summary(bad: &[Mistake], w: Words) -> String {
    if bad.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<div class=\"n-summary\" id=\"problems\" role=\"alert\" aria-labelledby=\"problems-h\">\n<h2 id=\"problems-h\">{}</h2>\n<ul>",
        escape(&w.page("page_thread_problem", &[]))
    );
    for (field, text) in bad {
        let target = field.unwrap_or("text");
        let _ = write!(
            out,
            "<li><a href=\"#n-{target}\" target=\"_self\">{}</a></li>",
            escape(text)
        );
    }
    out.push_str("</ul>\n</div>\n");
    out
}

/// What the form shows besides the typed values.
pub struct FormLook<'a> {
    pub words: Words,
    pub settings: &'a SiteSettings,
    /// natter's `POST /thread` address.
    pub action: &'a str,
    pub title: &'a str,
    pub form_token: &'a str,
    /// Whether the notify boxes are offered (natter sends email).
    pub email_on: bool,
    /// Whether the "new posts" box is offered.
    pub new_posts: bool,
    /// Where "Cancel" leads, on a reply form.
    pub cancel: Option<&'a str>,
}

/// The comment form, values kept and mistakes beside their fields.
pub fn form(f: &FormFields, bad: &[Mistake], look: &FormLook) -> String {
    let w = look.words;
    let mut out = format!(
        "<section class=\"n-box\" id=\"form\" aria-labelledby=\"n-form-h\">\n<h2 id=\"n-form-h\">{}</h2>\n\
         <form class=\"n-form\" method=\"post\" action=\"{}\" target=\"_self\" novalidate>\n",
        escape(look.title),
        escape(look.action)
    );
    let hidden = [
        ("url", f.url.as_str()),
        ("page_id", &f.page_id),
        ("parent", &f.parent),
        ("sort", &f.sort),
        ("form_token", look.form_token),
        ("embed", if f.embed { "1" } else { "" }),
    ];
    for (name, value) in hidden.into_iter().filter(|(_, v)| !v.is_empty()) {
        let _ = writeln!(
            out,
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(value)
        );
    }
    let s = look.settings;
    let error = |name: &str| {
        bad.iter()
            .find(|(f, _)| *f == Some(name))
            .map(|(_, t)| t.as_str())
    };
    field(
        &mut out,
        "text",
        &w.t("comment", &[]),
        Some(&w.t("md", &[])),
        &f.text,
        true,
        error("text"),
    );
    let hint = w.t(
        if look.email_on {
            "emailHint"
        } else {
            "emailHintOff"
        },
        &[],
    );
    for (name, value, hint, need) in [
        ("name", &f.name, None, s.require_name),
        ("email", &f.email, Some(hint.as_str()), s.require_email),
        ("website", &f.website, None, false),
    ] {
        let label = format!(
            "{} {}",
            w.t(name, &[]),
            w.t(if need { "required" } else { "optional" }, &[])
        );
        field(&mut out, name, &label, hint, value, need, error(name));
    }
    boxes(&mut out, f, look);
    let _ = write!(
        out,
        "<div class=\"n-hp\"><label for=\"n-homepage\">{}</label><input id=\"n-homepage\" name=\"homepage\" tabindex=\"-1\" autocomplete=\"off\" value=\"{}\"></div>\n\
         <p><button type=\"submit\" class=\"n-primary\">{}</button>",
        escape(&w.page("page_thread_honeypot", &[])),
        escape(&f.homepage),
        escape(&w.t("post", &[]))
    );
    if let Some(cancel) = look.cancel {
        let _ = write!(
            out,
            " <a href=\"{}\" target=\"_self\">{}</a>",
            escape(cancel),
            escape(&w.t("cancel", &[]))
        );
    }
    out.push_str("</p>\n</form>\n</section>\n");
    out
}

/// The notify boxes the site offers, ticked as sent.
fn boxes(out: &mut String, f: &FormFields, look: &FormLook) {
    let w = look.words;
    let offered = [
        ("replies", "notifyReplies", look.email_on, f.replies),
        ("thread", "notifyThread", look.email_on, f.thread),
        (
            "posts",
            "notifyPosts",
            look.new_posts && f.parent.is_empty(),
            f.posts,
        ),
    ];
    if !offered.iter().any(|(_, _, on, _)| *on) {
        return;
    }
    out.push_str("<div class=\"n-f n-check\">\n");
    for (name, key, _, ticked) in offered.into_iter().filter(|(_, _, on, _)| *on) {
        let checked = if ticked { " checked" } else { "" };
        let _ = writeln!(
            out,
            "<div><input type=\"checkbox\" id=\"n-{name}\" name=\"{name}\" value=\"1\"{checked}> <label for=\"n-{name}\">{}</label></div>",
            escape(&w.t(key, &[]))
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"n-hint\">{}</p>\n</div>",
        escape(&w.t("confirmHint", &[]))
    );
}

/// One labelled control, with its hint and its mistake.
fn field(
    out: &mut String,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    need: bool,
    error: Option<&str>,
) {
    let id = format!("n-{name}");
    let mut described = Vec::new();
    let _ = write!(
        out,
        "<div class=\"n-f n-f-{name}\"><label for=\"{id}\">{}</label>",
        escape(label)
    );
    if let Some(hint) = hint {
        let _ = write!(
            out,
            "<p class=\"n-hint\" id=\"{id}-h\">{}</p>",
            escape(hint)
        );
        described.push(format!("{id}-h"));
    }
    if error.is_some() {
        described.push(format!("{id}-e"));
    }
    let mut attrs = format!("id=\"{id}\" name=\"{name}\" dir=\"auto\"");
    if !described.is_empty() {
        let _ = write!(attrs, " aria-describedby=\"{}\"", described.join(" "));
    }
    if need {
        attrs.push_str(" aria-required=\"true\"");
    }
    if error.is_some() {
        attrs.push_str(" aria-invalid=\"true\"");
    }
    match name {
        // A newline right after the tag is dropped by parsers: one is given.
        "text" => write!(
            out,
            "<textarea {attrs} rows=\"6\">\n{}</textarea>",
            escape(value)
        ),
        _ => {
            let (kind, complete) = match name {
                "email" => ("email", "email"),
                "website" => ("url", "url"),
                _ => ("text", "name"),
            };
            write!(
                out,
                "<input {attrs} type=\"{kind}\" autocomplete=\"{complete}\" value=\"{}\">",
                escape(value)
            )
        }
    }
    .ok();
    if let Some(e) = error {
        let _ = write!(out, "<p class=\"n-err\" id=\"{id}-e\">{}</p>", escape(e));
    }
    out.push_str("</div>\n");
}
