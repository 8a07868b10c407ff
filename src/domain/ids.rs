//! The ids the database numbers, each its own type, so that a thread's id
//! cannot be passed where a ban's is meant. On the wire each is the bare
//! number (`serde(transparent)`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares an id newtype over `i64` with the traits every id has.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A thread's id: one page of a site.
    ThreadId
);
id_type!(
    /// A moderator account's id.
    AdminId
);
id_type!(
    /// A ban's id.
    BanId
);
id_type!(
    /// An outbox item's id: one email or webhook call on its way out.
    OutboxId
);
