//! The email that carries a sign-in link (DESIGN §15): single use, for
//! [`SIGN_IN_MINUTES`](super::links::SIGN_IN_MINUTES) minutes.

use super::Notifier;
use super::email::Body;
use super::links::{self, Action};
use super::strings::Words;
use crate::domain::{Site, UnixTime};
use crate::store::{Conn, StoreError, subscribers};

impl Notifier {
    /// The address of a sign-in link: natter's `/auth/link` page.
    pub fn sign_in_link(&self, action: &Action, now: UnixTime) -> String {
        let mut url = self.base.join("auth/link").expect("a fixed path joins");
        url.query_pairs_mut()
            .append_pair("t", &links::sign(&self.keys, action, now));
        url.to_string()
    }

    /// Queues the sign-in email to `email`, whose link returns to `back`.
    pub fn sign_in_email(
        &self,
        c: &Conn,
        site: &Site,
        email: &str,
        back: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let w = Words::new(&site.settings.language);
        let name = site.name.as_str();
        let action = Action::SignIn {
            site: site.id.clone(),
            email: email.to_string(),
            back: back.to_string(),
        };
        let mail = Body::new(w)
            .para(&w.t("signin_asked", &[("site", name)]))
            .link(&w.t("signin_button", &[]), &self.sign_in_link(&action, now))
            .para(&w.t("signin_expires", &[]))
            .para(&w.t("signin_ignore", &[]))
            .finish(&w.t("signin_subject", &[("site", name)]), None);
        self.queue_email(c, site, "signin", email, &mail, now)
    }

    /// A provider-verified address counts as confirmed (DESIGN §15): its
    /// subscriber is confirmed, and `key` (the signed-in reader's author
    /// key) is known as its owner's, so what they ask for starts at once.
    pub fn verified_owner(
        &self,
        c: &Conn,
        site: &Site,
        email: &str,
        key: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let hash = self.keys.email_hash(email);
        let sub = subscribers::upsert(c, &site.id, email, &hash, now)?;
        subscribers::set_asked(c, sub.id, sub.asked.unwrap_or(now), Some(key))?;
        subscribers::confirm(c, sub.id, now)
    }
}
