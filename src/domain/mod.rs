//! natter's vocabulary: sites, threads, comments and the rules between them.
//! Nothing here knows HTTP or SQL.

pub mod audit;
mod ban;
pub mod comment;
pub mod email;
mod ids;
mod invalid;
pub mod judge;
pub mod moderation;
pub mod net;
mod origin;
mod page;
pub mod pageurl;
pub mod provider;
pub mod signin;
pub mod site;
pub mod tree;

pub use ban::{Author, BanKind, NewBan};
pub use comment::{CommentId, NewComment, Status, Validated};
pub use ids::{AdminId, BanId, OutboxId, ThreadId};
pub use invalid::Invalid;
pub use moderation::Decision;
pub use page::PageOnSite;
pub use pageurl::{PageRef, ThreadKey};
pub use provider::{FieldMap, Provider, ProviderId, ProviderKind, ProviderSpec};
pub use site::{ModerationMode, Origin, Site, SiteId, SiteSettings, Webhook};

/// Seconds since the Unix epoch, the one time type stored and compared.
pub type UnixTime = i64;

/// The current time as [`UnixTime`].
pub fn now() -> UnixTime {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Formats a time as RFC 3339 UTC, as every answer shows times.
pub fn rfc3339(t: UnixTime) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
