//! Votes table; the counters live on the comment.

use super::{Connection, StoreError};
use crate::domain::CommentId;
use rusqlite::OptionalExtension;

/// Sets a voter's vote on a comment (1, -1, or 0 to take it back) and
/// returns the comment's (likes, dislikes).
pub fn set(
    conn: &Connection,
    comment: CommentId,
    voter_hash: &str,
    value: i8,
    now: i64,
) -> Result<(i64, i64), StoreError> {
    let old: i8 = conn
        .prepare_cached("SELECT value FROM votes WHERE comment_id = ?1 AND voter_hash = ?2")?
        .query_row((comment.0, voter_hash), |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    if old != value {
        if value == 0 {
            conn.prepare_cached("DELETE FROM votes WHERE comment_id = ?1 AND voter_hash = ?2")?
                .execute((comment.0, voter_hash))?;
        } else {
            conn.prepare_cached(
                "INSERT INTO votes (comment_id, voter_hash, value, created) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (comment_id, voter_hash) DO UPDATE SET value = excluded.value",
            )?
            .execute((comment.0, voter_hash, value, now))?;
        }
        let likes = i64::from(value == 1) - i64::from(old == 1);
        let dislikes = i64::from(value == -1) - i64::from(old == -1);
        conn.prepare_cached(
            "UPDATE comments SET likes = likes + ?2, dislikes = dislikes + ?3 WHERE id = ?1",
        )?
        .execute((comment.0, likes, dislikes))?;
    }
    Ok(conn
        .prepare_cached("SELECT likes, dislikes FROM comments WHERE id = ?1")?
        .query_row([comment.0], |r| Ok((r.get(0)?, r.get(1)?)))?)
}
