//! `POST /thread`: the no-JS form posts a comment through [`App::post`],
//! every rule of the JSON API included, and answers with a 303 back to the
//! thread, or with the page again: the text kept, each mistake beside its
//! field.

use super::form::{self, FormFields, Mistake};
use super::page::Place;
use super::words::Words;
use super::{Again, HtmlAnswer, PageAsk};
use crate::app::cache::Encoded;
use crate::app::view::Sort;
use crate::app::{App, Client, Extras, Located, PageQuery};
use crate::domain::{CommentId, NewComment, Status};
use crate::error::Error;
use crate::notify::Wants;
use std::sync::Arc;

impl App {
    /// `POST /thread`. `limited` is the client after the post rate limit
    /// (or why it was refused); `origin` is the request's `Origin`, which,
    /// when sent, must be natter's own: the form is only ever on natter's
    /// page, so a post from anywhere else is a forged one.
    pub async fn thread_form(
        &self,
        limited: Result<Client, Error>,
        origin: Option<&str>,
        fields: FormFields,
    ) -> HtmlAnswer {
        let q = PageQuery {
            url: Some(fields.url.clone()),
            page_id: Some(fields.page_id.clone()).filter(|p| !p.is_empty()),
        };
        let located = self.locate(&q);
        let own = self.base.origin().ascii_serialization();
        if let Some(o) = origin.filter(|o| *o != own) {
            let e = Error::ForbiddenOrigin { origin: o.into() };
            return self.failed_page(e, located.as_ref().ok(), fields.embed);
        }
        let page = match located {
            Ok(p) => p,
            Err(e) => return self.failed_page(e, None, fields.embed),
        };
        match self.post_form(&page, &q, limited, &fields).await {
            Ok(location) => HtmlAnswer {
                error: None,
                location: Some(location),
                html: Arc::new(Encoded::from_text("")),
                csp: super::page::csp(Some(&page.site), fields.embed),
                framable: fields.embed,
            },
            Err((e, bad)) => self.form_again(&page, &fields, e, &bad).await,
        }
    }

    /// Posts the form's comment; the address to go on to, or the error
    /// and the mistakes to show.
    async fn post_form(
        &self,
        page: &Located,
        q: &PageQuery,
        limited: Result<Client, Error>,
        f: &FormFields,
    ) -> Result<String, (Error, Vec<Mistake>)> {
        let w = Words::new(&page.site.settings.language);
        let refused = |e: Error| {
            let bad = vec![form::explain(&e, w)];
            (e, bad)
        };
        let client = limited.map_err(refused)?;
        // The browser's Origin is natter's (checked above), not the site's.
        let client = Client {
            origin: None,
            ..client
        };
        let bad = form::check(f, &page.site.settings, w);
        if let Some((field, text)) = bad.first() {
            let e = Error::validation(field.unwrap_or("text"), text.clone());
            return Err((e, bad));
        }
        let parent = match f.parent.trim() {
            "" => None,
            p => Some(CommentId(p.parse().map_err(|_| {
                refused(Error::validation("parent", w.t("not_found", &[])))
            })?)),
        };
        let new = NewComment {
            text: f.text.clone(),
            parent,
            name: Some(f.name.clone()),
            email: Some(f.email.clone()),
            website: Some(f.website.clone()),
            title: None,
        };
        let extras = Extras {
            asked: Wants {
                replies: f.replies,
                thread: f.thread,
            },
            form_token: Some(f.form_token.clone()),
            voter: None,
            honeypot: !f.homepage.trim().is_empty(),
            reader: None,
        };
        let posted = self.post(q, &client, new, extras).await.map_err(refused)?;
        if f.posts && posted.comment.status != Status::Pending {
            // The comment stands whatever becomes of this.
            if let Err(e) = self.subscribe_new_posts(q, &client, &f.email, None).await {
                tracing::debug!(error = %e, "new posts not followed from the thread page");
            }
        }
        let place = Place {
            page: q.clone(),
            sort: Sort::parse(Some(&f.sort).filter(|s| !s.is_empty()).map(String::as_str)).ok(),
            cursor: None,
            reply: None,
            embed: f.embed,
        };
        let id = posted.comment.id.0;
        Ok(match posted.comment.status {
            Status::Published => place.href(
                &self.base,
                Some("published"),
                &format!("natter-comment-{id}"),
            ),
            _ => place.href(&self.base, Some("held"), "status"),
        })
    }

    /// The page again after a refused post, its status from `e`.
    async fn form_again(
        &self,
        page: &Located,
        f: &FormFields,
        e: Error,
        bad: &[Mistake],
    ) -> HtmlAnswer {
        let ask = PageAsk {
            page: PageQuery {
                url: Some(f.url.clone()),
                page_id: Some(f.page_id.clone()).filter(|p| !p.is_empty()),
            },
            sort: Some(f.sort.clone()).filter(|s| !s.is_empty()),
            cursor: None,
            reply: None,
            embed: f.embed,
            done: None,
        };
        let again = Again {
            fields: Some(f),
            bad,
        };
        match self.page_html(page, &ask, again).await {
            Ok(html) => self.answer(page, f.embed, Some(e), Arc::new(Encoded::from_text(&html))),
            Err(other) => self.failed_page(other, Some(page), f.embed),
        }
    }
}
