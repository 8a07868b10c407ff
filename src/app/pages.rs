//! What a link or form answers: a page, or a file to download.

use crate::error::Error;
use crate::notify::page::Page;
use crate::notify::strings::Words;

/// What a link or form answers: a page, or a file to download.
#[derive(Debug)]
pub enum Answer {
    Page { status: u16, html: String },
    Download { filename: String, json: String },
}

pub(super) fn done_page(w: Words, title: &str, message: &str) -> Answer {
    Answer::Page {
        status: 200,
        html: Page::new(w, &w.t(title, &[]))
            .para(&w.t(message, &[]))
            .finish(),
    }
}

/// A page that says why a form or link did nothing; `status` is the
/// error's status from the HTTP layer's one map.
pub fn error_answer(e: &Error, status: u16) -> Answer {
    let w = Words::new("en");
    let text = match e {
        Error::LinkUsed => w.t("page_link_used", &[]),
        Error::LinkInvalid | Error::LinkExpired | Error::NotFound => w.t("page_link_bad", &[]),
        Error::Internal(detail) => {
            tracing::error!(%detail, "internal error behind a link or form");
            e.to_string()
        }
        _ => e.to_string(),
    };
    Answer::Page {
        status,
        html: Page::new(w, "natter").para(&text).finish(),
    }
}
