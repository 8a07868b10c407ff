//! Bans of an address or an email (DESIGN §5), given directly or as the
//! author of a comment.

use super::App;
use super::session::AdminSession;
use crate::domain::{CommentId, now};
use crate::error::Error;
use crate::store::admins::{self, BanRow};
use crate::store::{StoreError, comments};
use serde::Deserialize;

/// A new ban: of a value given, or of the author of a comment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BanRequest {
    pub kind: String,
    pub value: Option<String>,
    pub comment_id: Option<CommentId>,
    #[serde(default)]
    pub reason: String,
    /// Days until the ban ends; none for a ban without end.
    pub days: Option<u32>,
}

impl App {
    pub async fn bans(&self) -> Result<Vec<BanRow>, Error> {
        Ok(self.db.read(|c| admins::list_bans(c, now())).await?)
    }

    /// Bans an IP hash or an email, given directly or as a comment's author.
    pub async fn ban(&self, s: &AdminSession, req: BanRequest) -> Result<i64, Error> {
        if !matches!(req.kind.as_str(), "ip" | "email") {
            return Err(Error::validation(
                "kind",
                "kind must be \"ip\" or \"email\"",
            ));
        }
        let by_comment = match req.comment_id {
            Some(id) => Some(self.db.read(move |c| comments::get(c, id)).await?),
            None => None,
        };
        let value = match (
            req.kind.as_str(),
            &by_comment,
            req.value.as_deref().map(str::trim),
        ) {
            (_, None, Some(v)) if !v.is_empty() => v.to_lowercase(),
            ("ip", Some(row), _) => row.ip_hash.clone().ok_or_else(|| {
                Error::validation("comment_id", "That comment has no IP hash to ban.")
            })?,
            ("email", Some(row), _) => {
                row.email.clone().map(|e| e.to_lowercase()).ok_or_else(|| {
                    Error::validation(
                        "comment_id",
                        "That comment has no email address to ban. Ban its IP hash instead.",
                    )
                })?
            }
            _ => {
                return Err(Error::validation(
                    "value",
                    "Give the IP hash or email to ban, or the comment whose author to ban.",
                ));
            }
        };
        let created = now();
        let expires = req.days.map(|d| created + i64::from(d) * 86_400);
        let (user, kind, reason) = (
            s.username.clone(),
            req.kind.clone(),
            req.reason.chars().take(500).collect::<String>(),
        );
        let id = self
            .db
            .write(move |c| {
                let id = admins::add_ban(c, &kind, &value, &reason, created, expires, &user)?;
                admins::audit(
                    c,
                    created,
                    &user,
                    "ban",
                    &format!("{kind} ban {id}"),
                    &reason,
                )?;
                Ok::<_, StoreError>(id)
            })
            .await?;
        Ok(id)
    }

    pub async fn unban(&self, s: &AdminSession, id: i64) -> Result<(), Error> {
        let user = s.username.clone();
        self.db
            .write(move |c| {
                admins::remove_ban(c, id)?;
                admins::audit(c, now(), &user, "unban", &format!("ban {id}"), "")
            })
            .await?;
        Ok(())
    }
}
