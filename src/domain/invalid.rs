//! The domain's one error: a value that breaks a rule, the field it came
//! from, and what to do about it, in plain words.

use std::fmt;

/// A value that broke a rule. `message` says how to put it right; `field`
/// names where it came from (`text`, `settings.max_depth`, `url`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Invalid {
        Invalid {
            field,
            message: message.into(),
        }
    }

    /// The same rule broken, named by the field the caller knows it as.
    pub fn at(self, field: &'static str) -> Invalid {
        Invalid { field, ..self }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Invalid {}
