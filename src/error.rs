//! natter's errors. [`Error`] is what a request can fail with; its public
//! message is fixed by the variant, and `http::error` is the one place that
//! maps it to a status code. [`StartupError`] is what stops natter starting.

use crate::domain::Origin;
use thiserror::Error;

/// Why a request failed. Internal detail is logged, never shown.
#[derive(Debug, Error)]
pub enum Error {
    /// A field broke a limit; `message` says how to fix it.
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    /// A query parameter or body is malformed (not a single field).
    #[error("{0}")]
    BadRequest(String),
    /// The page URL is on no registered site.
    #[error(
        "The page's origin {origin} is not registered with this natter server. Its owner can add it with `natter site add ID --origin {origin}` or in natter.toml."
    )]
    UnknownSite { origin: Origin },
    /// The `Origin` header is not one of the page's site's origins.
    #[error(
        "Requests from {origin} are not allowed for this site. Register {origin} as one of the site's origins."
    )]
    ForbiddenOrigin { origin: String },
    #[error("There is no such comment. It may have been deleted.")]
    NotFound,
    #[error("This discussion is closed to new comments.")]
    ThreadLocked,
    #[error("This comment was already posted here a moment ago.")]
    Duplicate,
    #[error("You cannot vote for your own comment.")]
    OwnComment,
    #[error(
        "This change needs the edit key given when the comment was posted, sent as `Authorization: Bearer KEY`."
    )]
    MissingToken,
    #[error("The edit key does not belong to this comment.")]
    InvalidToken,
    #[error("The time for changing this comment has passed.")]
    EditWindowClosed,
    #[error("Too many requests. Please wait {retry_after} seconds and try again.")]
    RateLimited { retry_after: u64 },
    #[error("Send the body as JSON, with the header `Content-Type: application/json`.")]
    UnsupportedMediaType,
    #[error("The request is too large: the most natter accepts is 64 KiB.")]
    PayloadTooLarge,
    #[error("You are not allowed to post here.")]
    Banned,
    #[error("Please sign in to the admin page first.")]
    NotSignedIn,
    #[error(
        "The page's security token is missing or out of date. Reload the admin page and try again."
    )]
    CsrfMismatch,
    #[error("The username or password is not right.")]
    LoginFailed,
    /// Too many wrong passwords for one username, from any address.
    #[error(
        "Too many wrong passwords for {username}. Wait {retry_after} seconds, then sign in again."
    )]
    SignInPaused { username: String, retry_after: u64 },
    /// Heavy work (password checks) is at its limit; refused at once.
    #[error("natter is busy with other sign-ins. Please try again in {retry_after} seconds.")]
    Busy { retry_after: u64 },
    /// Too many live streams: from this address, or in all.
    #[error(
        "Too many live comment streams are open. Close a few tabs of this site, or try again in a minute."
    )]
    TooManyStreams,
    /// A reader's token is unknown: it was signed out, or never issued.
    #[error("You are signed out. Sign in again to go on.")]
    SignedOut,
    /// The site takes comments only from signed-in readers.
    #[error("Please sign in to comment on this site: use one of the sign-in buttons.")]
    SignInRequired,
    /// A sign-in did not go through; the text says why and what to do.
    #[error("{0}")]
    SignInFailed(String),
    #[error("This link has already been used, so nothing was changed.")]
    LinkUsed,
    #[error("This link does not work. It may be cut short: copy the whole link from the email.")]
    LinkInvalid,
    #[error("This link is too old. Ask for a new one.")]
    LinkExpired,
    /// The change clashes with what is stored; the message says how.
    #[error("{0}")]
    Conflict(String),
    /// The database's disk is full; the detail (SQLite's text) is logged.
    #[error(
        "natter could not save this: the server's disk is full. Its operator must free space on the server; nothing saved before was lost. Try again once that is done."
    )]
    DiskFull(String),
    /// Another program holds the database locked; the detail is logged.
    #[error(
        "natter could not save this: its database is locked by another program (such as a backup or an sqlite3 shell). Nothing saved before was lost. Try again in a moment."
    )]
    DatabaseLocked(String),
    #[error("Something went wrong on the server. Please try again in a moment.")]
    Internal(String),
}

impl Error {
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Error::Validation {
            field,
            message: message.into(),
        }
    }
}

impl From<crate::domain::Invalid> for Error {
    fn from(e: crate::domain::Invalid) -> Self {
        Error::Validation {
            field: e.field,
            message: e.message,
        }
    }
}

/// Why natter could not start, said so that the operator can fix it.
#[derive(Debug, Error)]
pub enum StartupError {
    #[error("configuration {path}: {message}")]
    Config { path: String, message: String },
    #[error("database {path}: {message}")]
    Database { path: String, message: String },
    #[error("cannot listen on {addr}: {message}")]
    Listen { addr: String, message: String },
    #[error("{0}")]
    Usage(String),
}
