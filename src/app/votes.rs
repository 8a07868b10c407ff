//! Readers like or dislike a published comment: once per client, never
//! their own, never in a locked thread.

use super::post::check_voter;
use super::{App, Client};
use crate::domain::{CommentId, Status, now};
use crate::error::Error;
use crate::store::{StoreError, bans, comments, threads, votes};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct VoteCounts {
    pub likes: i64,
    pub dislikes: i64,
    pub value: i8,
}

impl App {
    /// `POST /api/comments/{id}/vote`.
    pub async fn vote(
        &self,
        id: CommentId,
        client: &Client,
        value: i8,
        voter: Option<&str>,
    ) -> Result<VoteCounts, Error> {
        if !(-1..=1).contains(&value) {
            return Err(Error::validation(
                "value",
                "value must be 1 (like), -1 (dislike) or 0 (take back)",
            ));
        }
        let voter = voter.map(check_voter).transpose()?.flatten();
        let ip_hash = self.keys.ip_hash(&client.ip_key);
        let (row, thread) = self
            .db
            .read(move |c| {
                Ok::<_, StoreError>({
                    let row = comments::get(c, id)?;
                    let thread = threads::get(c, row.thread_id)?;
                    (row, thread)
                })
            })
            .await?;
        if row.status != Status::Published {
            return Err(Error::NotFound);
        }
        let site = self.sites.by_id(&thread.site_id).ok_or(Error::NotFound)?;
        self.check_origin(&site, client)?;
        let key = voter.map(|v| self.keys.author_key(site.id.as_str(), v));
        // The author is known by the address too, so a new voter id does
        // not make their own comment someone else's.
        if row.ip_hash.as_deref() == Some(ip_hash.as_str())
            || key.is_some() && row.voter_hash == key
        {
            return Err(Error::OwnComment);
        }
        let voted = now();
        let (likes, dislikes) = self
            .db
            .write(move |c| {
                if bans::is_banned(c, &ip_hash, None, voted)? {
                    return Err(Error::Banned);
                }
                if threads::get(c, row.thread_id)?.locked {
                    return Err(Error::ThreadLocked);
                }
                let voter = votes::Voter {
                    ip_hash: &ip_hash,
                    key: key.as_deref(),
                };
                Ok(votes::set(c, id, voter, value, voted)?)
            })
            .await?;
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(VoteCounts {
            likes,
            dislikes,
            value,
        })
    }
}
