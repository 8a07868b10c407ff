//! One event as a stream sends it: its id, its kind, and the comment as the
//! thread answer shows it (JSON), encoded once for every reader.

use crate::app::view::{Look, comment_view, tombstone};
use crate::domain::{Status, now};
use crate::keys::Keys;
use crate::store::events::EventRow;
use std::sync::Arc;

/// An event ready to send.
#[derive(Debug)]
pub struct Frame {
    /// The event id: a stream resumes after it (`Last-Event-ID`).
    pub id: i64,
    /// `ready`, `reset`, `created`, `edited`, `deleted` or `approved`.
    pub kind: &'static str,
    /// The comment (JSON), or `{}` for `ready` and `reset`.
    pub data: Arc<str>,
}

impl Frame {
    /// The frame as a stream writes it.
    pub fn to_bytes(&self) -> Vec<u8> {
        format!(
            "id: {}\nevent: {}\ndata: {}\n\n",
            self.id, self.kind, self.data
        )
        .into_bytes()
    }

    /// A frame about the stream itself: `ready` (from here on, events
    /// follow) or `reset` (some events are no longer kept: reload).
    pub fn control(id: i64, kind: &'static str) -> Frame {
        Frame {
            id,
            kind,
            data: Arc::from("{}"),
        }
    }

    /// The frame of a stored event, with the comment as it is now; none
    /// for an appearance or edit of a comment that is no longer public (a
    /// later event says it went).
    pub fn of(e: &EventRow, keys: &Keys, look: &Look) -> Option<Frame> {
        let public = e.comment.as_ref().filter(|c| c.status == Status::Published);
        let (kind, view) = match (e.kind.as_str(), public) {
            ("created", Some(c)) => ("created", comment_view(c, keys, look)),
            ("approved", Some(c)) => ("approved", comment_view(c, keys, look)),
            ("edited", Some(c)) => ("edited", comment_view(c, keys, look)),
            ("deleted", _) => (
                "deleted",
                match &e.comment {
                    Some(c) => tombstone(c.id, c.parent, c.created, c.pinned, keys),
                    None => tombstone(e.comment_id, None, now(), false, keys),
                },
            ),
            _ => return None,
        };
        let json = serde_json::to_string(&view).expect("comments serialise");
        Some(Frame {
            id: e.id,
            kind,
            data: Arc::from(json),
        })
    }
}
