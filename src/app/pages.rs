//! What a link or form answers: a page, or a file to download. Whether it
//! worked (its HTTP status) is for the HTTP layer to say.

use crate::notify::page::Page;
use crate::notify::strings::Words;

/// What a link or form answers when it worked.
#[derive(Debug)]
pub enum LinkAnswer {
    /// A page of natter's own HTML.
    Page(String),
    Download {
        filename: String,
        json: String,
    },
}

/// A page with a title and one message, both in the words given.
pub(super) fn done_page(w: Words, title: &str, message: &str) -> LinkAnswer {
    LinkAnswer::Page(
        Page::new(w, &w.t(title, &[]))
            .para(&w.t(message, &[]))
            .finish(),
    )
}
