//! The one door for heavy work that is not a database call (DESIGN §14):
//! rendering and password hashing run on tokio's blocking threads, never on
//! the async workers, so a slow render cannot hold up other requests. A
//! panic there comes back as an error.

use crate::error::Error;
use crate::render::{self, SafeHtml};

/// Runs `f` off the async workers and waits for its result.
pub async fn run<T, F>(f: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(format!("blocking work failed: {e}")))
}

/// [`render::render`], off the async workers.
pub async fn render(markdown: String) -> Result<SafeHtml, Error> {
    run(move || render::render(&markdown)).await
}
