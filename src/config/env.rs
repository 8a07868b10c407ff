//! The `NATTER_*` variables, and the small value parsers the file and the
//! variables share.

use super::Cidr;

/// The variables given to [`super::Config::load`].
pub(super) struct Vars<'a>(pub(super) &'a super::Env);

impl Vars<'_> {
    /// The value of variable `k`, if set.
    pub(super) fn get(&self, k: &str) -> Option<String> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    /// The non-empty parts of variable `k`, split at `sep`.
    pub(super) fn list(&self, k: &str, sep: char) -> Option<Vec<String>> {
        self.get(k).map(|v| {
            v.split(sep)
                .map(str::to_string)
                .filter(|s| !s.trim().is_empty())
                .collect()
        })
    }
}

/// `true`/`false` in the forms an environment variable is written in.
pub(super) fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A list of networks; the error starts with `what`, the setting's name.
pub(super) fn cidrs(list: &[String], what: &str) -> Result<Vec<Cidr>, String> {
    list.iter()
        .map(|p| Cidr::parse(p))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{what}: {e}"))
}
