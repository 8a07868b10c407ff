//! Identicons for authors without a picture: the app's door to
//! `render::identicon`, which draws them.

use crate::error::Error;

/// The SVG for a seed of 20 hex digits (as made by `Keys::avatar_seed`);
/// any other seed is not found.
pub fn identicon(seed: &str) -> Result<String, Error> {
    crate::render::identicon::svg(seed).ok_or(Error::NotFound)
}
