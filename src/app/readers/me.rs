//! A signed-in reader's own account: who they are (`GET /api/me`), their
//! display name, signing out here or everywhere, and deleting the identity.

use super::{App, Reader};
use crate::domain::comment::check_name;
use crate::error::Error;
use crate::store::identities::{self, IdentityRow};
use crate::store::reader_tokens;
use serde::Serialize;

/// What `/api/me` shows a reader of themselves.
#[derive(Debug, Clone, Serialize)]
pub struct MeView {
    /// The key their comments carry as `by`.
    pub key: String,
    pub name: String,
    pub provider: String,
    pub provider_name: String,
    pub email: Option<String>,
    pub email_verified: bool,
    /// Linked to a moderator account: their comments carry the team badge.
    pub moderator: bool,
}

impl App {
    pub(super) fn me_view(&self, i: &IdentityRow) -> MeView {
        MeView {
            key: super::super::view::reader_key(&self.keys, i.id),
            name: i.name.clone(),
            provider: i.provider.clone(),
            provider_name: self
                .providers
                .get(&i.provider)
                .map_or_else(|| i.provider.clone(), |p| p.name.clone()),
            email: i.email.clone(),
            email_verified: i.email_verified,
            moderator: i.admin_id.is_some(),
        }
    }

    /// `GET /api/me`.
    pub async fn me(&self, token: &str) -> Result<MeView, Error> {
        let r = self.reader(token).await?;
        Ok(self.me_view(&r.identity))
    }

    /// `PATCH /api/me {name}`: the reader's new display name, checked as a
    /// comment's name is. Their comments already posted keep the name they
    /// were posted under.
    pub async fn rename_me(&self, token: &str, name: &str) -> Result<MeView, Error> {
        let Reader { identity, .. } = self.reader(token).await?;
        let site = self.site(&identity.site_id)?;
        let name = check_name(name, &site.settings)?;
        let id = identity.id;
        let row = self
            .db
            .write(move |c| {
                identities::rename(c, id, &name)?;
                identities::get(c, id)
            })
            .await?;
        Ok(self.me_view(&row))
    }

    /// `POST /auth/signout`: ends this token.
    pub async fn sign_out(&self, token: &str) -> Result<(), Error> {
        let r = self.reader(token).await?;
        let hash = r.token_hash;
        Ok(self
            .db
            .write(move |c| reader_tokens::revoke(c, &hash))
            .await?)
    }

    /// `POST /auth/signout-all`: ends every token of the identity.
    pub async fn sign_out_everywhere(&self, token: &str) -> Result<usize, Error> {
        let id = self.reader(token).await?.identity.id;
        Ok(self
            .db
            .write(move |c| reader_tokens::revoke_all(c, id))
            .await?)
    }

    /// `DELETE /api/me`: the identity and its tokens go; its comments stay,
    /// under the name they were posted with, without the verified mark.
    pub async fn delete_me(&self, token: &str) -> Result<(), Error> {
        let identity = self.reader(token).await?.identity;
        let id = identity.id;
        self.db.write(move |c| identities::delete(c, id)).await?;
        self.cache.clear();
        Ok(())
    }
}
