//! Votes table; the counters live on the comment.
//!
//! A client has one vote per comment: it is known by the keyed hash of its
//! address and, when the widget sent one, by the author key of its voter
//! id. A new vote that matches either replaces every earlier vote it
//! matches, so neither a new voter id nor a new address adds a vote.

use super::{Conn, StoreError, comments};
use crate::domain::CommentId;

/// Who votes.
#[derive(Debug, Clone, Copy)]
pub struct Voter<'a> {
    pub ip_hash: &'a str,
    /// The author key of the widget's voter id on the comment's site.
    pub key: Option<&'a str>,
}

/// Sets a client's vote on a comment (1, -1, or 0 to take it back) and
/// returns the comment's (likes, dislikes).
pub fn set(
    conn: &Conn,
    comment: CommentId,
    voter: Voter<'_>,
    value: i8,
    now: i64,
) -> Result<(i64, i64), StoreError> {
    let earlier: Vec<(i64, i8)> = conn
        .0
        .prepare_cached(
            "SELECT id, value FROM votes WHERE comment_id = ?1 AND (ip_hash = ?2 OR voter_key = ?3)",
        )?
        .query_map(rusqlite::params![comment.0, voter.ip_hash, voter.key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    let (mut likes, mut dislikes) = (0i64, 0i64);
    for (id, old) in earlier {
        conn.0
            .prepare_cached("DELETE FROM votes WHERE id = ?1")?
            .execute([id])?;
        likes -= i64::from(old == 1);
        dislikes -= i64::from(old == -1);
    }
    if value != 0 {
        conn.0
            .prepare_cached(
                "INSERT INTO votes (comment_id, ip_hash, voter_key, value, created)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![
                comment.0,
                voter.ip_hash,
                voter.key,
                value,
                now
            ])?;
        likes += i64::from(value == 1);
        dislikes += i64::from(value == -1);
    }
    comments::add_votes(conn, comment, likes, dislikes)
}
