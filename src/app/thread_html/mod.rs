//! The thread as HTML (DESIGN §16): the fragment a site includes in its
//! own pages (`GET /api/thread.html`), cached beside the JSON pages, and
//! natter's no-JS thread page with its form (`GET` and `POST /thread`).

mod form;
mod fragment;
mod page;
mod post;
mod words;

pub use form::FormFields;

use super::cache::{Encoded, Format};
use super::view::{CommentView, Sort, ThreadAnswer};
use super::{App, Located, PageQuery, ThreadParams};
use crate::domain::{CommentId, Status};
use crate::error::Error;
use crate::render::escape;
use form::{FormLook, Mistake};
use fragment::Shown;
use page::{Frame, Place};
use std::sync::Arc;
use words::Words;

/// What `GET /thread` asks for.
#[derive(Debug, Clone, Default)]
pub struct PageAsk {
    pub page: PageQuery,
    pub sort: Option<String>,
    pub cursor: Option<String>,
    /// The comment whose reply form to show.
    pub reply: Option<String>,
    /// Without page chrome, framable by the site's own origins.
    pub embed: bool,
    /// What a post just did: `published` or `held`.
    pub done: Option<String>,
}

/// An HTML page to send, and what its answer needs.
#[derive(Debug)]
pub struct HtmlAnswer {
    /// Why this is not the plain page; its status comes from it.
    pub error: Option<Error>,
    /// Where a posted form goes on (a 303), instead of a page.
    pub location: Option<String>,
    pub html: Arc<Encoded>,
    pub csp: String,
    /// Whether the site's origins may frame it (`embed=1`).
    pub framable: bool,
}

/// A page being made again after a refused post: what was typed, and why.
#[derive(Default)]
struct Again<'a> {
    fields: Option<&'a FormFields>,
    bad: &'a [Mistake],
}

impl App {
    /// `GET /api/thread.html`: a page of the thread as the widget's markup,
    /// cached beside its JSON page and dropped by the same writes.
    pub async fn thread_html(
        &self,
        q: &PageQuery,
        p: &ThreadParams,
    ) -> Result<Arc<Encoded>, Error> {
        let sort = Sort::parse(p.sort.as_deref()).ok();
        self.thread_as(q, p, Format::Html, |answer, page| {
            let words = Words::new(&page.site.settings.language);
            let more = answer.next_cursor.as_ref().map(|c| {
                let place = Place {
                    page: canonical(page, q),
                    sort,
                    cursor: Some(c.clone()),
                    ..Place::default()
                };
                place.href(&self.base, None, "")
            });
            let shown = Shown {
                words,
                base: &self.base,
                max_depth: page.site.settings.max_depth,
                reply: None,
                more,
                own_target: "",
            };
            Encoded::from_text(&fragment::thread(answer, &shown))
        })
        .await
    }

    /// `GET /thread`: the thread as a whole page, with its form. The
    /// plain page (no reply form open, no message) is cached like the
    /// fragment, for the second its form's signed time is of.
    pub async fn thread_page(&self, ask: &PageAsk) -> HtmlAnswer {
        let page = match self.locate(&ask.page) {
            Ok(p) => p,
            Err(e) => return self.failed_page(e, None, ask.embed),
        };
        let made = if ask.reply.is_none() && ask.done.is_none() {
            let shared = PageAsk {
                page: canonical(&page, &ask.page),
                ..ask.clone()
            };
            let params = ThreadParams {
                sort: ask.sort.clone(),
                limit: None,
                cursor: ask.cursor.clone(),
            };
            let format = Format::Page {
                embed: ask.embed,
                second: crate::domain::now(),
            };
            self.thread_as(&shared.page, &params, format, |answer, page| {
                Encoded::from_text(&self.page_markup(page, &shared, answer, Again::default()))
            })
            .await
        } else {
            self.page_html(&page, ask, Again::default())
                .await
                .map(|html| Arc::new(Encoded::from_text(&html)))
        };
        match made {
            Ok(html) => self.answer(&page, ask.embed, None, html),
            Err(e) => self.failed_page(e, Some(&page), ask.embed),
        }
    }

    /// `GET /thread` refused before it was read (its rate limit): a page
    /// that says so.
    pub fn thread_page_refused(&self, e: Error, ask: &PageAsk) -> HtmlAnswer {
        let page = self.locate(&ask.page).ok();
        self.failed_page(e, page.as_ref(), ask.embed)
    }

    /// A page that says what went wrong, in the site's language if known.
    fn failed_page(&self, e: Error, page: Option<&Located>, embed: bool) -> HtmlAnswer {
        let lang = page.map_or("en", |p| p.site.settings.language.as_str());
        let w = Words::new(lang);
        let title = match e {
            Error::ForbiddenOrigin { .. } => w.page("page_thread_forbidden_title", &[]),
            _ => w.page("page_thread_failed", &[]),
        };
        let (_, said) = form::explain(&e, w);
        let frame = Frame {
            words: w,
            title: &title,
            back: None,
            embed,
            skip: None,
        };
        let html = page::document(&frame, &format!("<p>{}</p>\n", escape(&said)));
        let html = Arc::new(Encoded::from_text(&html));
        HtmlAnswer {
            csp: page::csp(page.map(|p| &*p.site), embed),
            framable: embed && page.is_some(),
            error: Some(e),
            location: None,
            html,
        }
    }

    fn answer(
        &self,
        page: &Located,
        embed: bool,
        error: Option<Error>,
        html: Arc<Encoded>,
    ) -> HtmlAnswer {
        HtmlAnswer {
            error,
            location: None,
            html,
            csp: page::csp(Some(&page.site), embed),
            framable: embed,
        }
    }

    /// The whole page of a located thread.
    async fn page_html(
        &self,
        page: &Located,
        ask: &PageAsk,
        again: Again<'_>,
    ) -> Result<String, Error> {
        let params = ThreadParams {
            sort: ask.sort.clone(),
            limit: None,
            cursor: ask.cursor.clone(),
        };
        let answer = self.thread_answer(page, &params).await?;
        Ok(self.page_markup(page, ask, &answer, again))
    }

    /// The whole page of a located thread, from a page of its comments.
    fn page_markup(
        &self,
        page: &Located,
        ask: &PageAsk,
        answer: &ThreadAnswer,
        again: Again<'_>,
    ) -> String {
        let sort = Sort::parse(ask.sort.as_deref()).unwrap_or(Sort::Oldest);
        let reply = ask
            .reply
            .as_deref()
            .and_then(|r| r.parse().ok())
            .map(CommentId)
            .or_else(|| {
                let parent = again.fields?.parent.parse().ok()?;
                Some(CommentId(parent))
            });
        let here = Place {
            page: ask.page.clone(),
            sort: Some(sort),
            cursor: ask.cursor.clone(),
            reply: None,
            embed: ask.embed,
        };
        let w = Words::new(&page.site.settings.language);
        let title = w.page(
            "page_thread_title",
            &[(
                "page",
                answer.thread.title.as_deref().unwrap_or(&page.canonical),
            )],
        );
        let mut body = status(w, ask.done.as_deref());
        body.push_str(&form::summary(again.bad, w));
        body.push_str(&page::sort_links(w, &here, sort, &self.base));
        body.push_str(&self.comments(page, answer, &here, w));
        if here
            .cursor
            .as_deref()
            .is_some_and(|c| !c.is_empty() && c != "0")
        {
            let first = Place {
                cursor: None,
                ..here.clone()
            };
            body.push_str(&format!(
                "<p><a href=\"{}\" target=\"_self\">{}</a></p>\n",
                escape(&first.href(&self.base, None, "")),
                escape(&w.page("page_thread_first", &[]))
            ));
        }
        body.push_str(&self.form_box(page, answer, &here, reply, again, w));
        let frame = Frame {
            words: w,
            title: &title,
            back: Some(&page.canonical),
            embed: ask.embed,
            skip: Some("form"),
        };
        page::document(&frame, &body)
    }

    /// The thread's comments, with a reply link on each and paging links.
    fn comments(&self, page: &Located, answer: &ThreadAnswer, here: &Place, w: Words) -> String {
        let reply = |id: CommentId| {
            let place = Place {
                reply: Some(id),
                ..here.clone()
            };
            place.href(&self.base, None, "form")
        };
        let more = answer.next_cursor.as_ref().map(|c| {
            let place = Place {
                cursor: Some(c.clone()),
                ..here.clone()
            };
            place.href(&self.base, None, "")
        });
        let shown = Shown {
            words: w,
            base: &self.base,
            max_depth: page.site.settings.max_depth,
            reply: Some(&reply),
            more,
            own_target: " target=\"_self\"",
        };
        fragment::thread(answer, &shown)
    }

    /// The form, or why there is none: a locked thread, or a site whose
    /// readers must sign in (which needs the widget's sign-in box).
    fn form_box(
        &self,
        page: &Located,
        answer: &ThreadAnswer,
        here: &Place,
        reply: Option<CommentId>,
        again: Again<'_>,
        w: Words,
    ) -> String {
        let s = &page.site.settings;
        let closed = if answer.thread.locked {
            Some(w.t("thread_locked", &[]))
        } else if !s.guests {
            Some(w.page("page_thread_signin", &[]))
        } else {
            None
        };
        if let Some(why) = closed {
            return format!(
                "<section class=\"n-box\" id=\"form\" aria-labelledby=\"n-form-h\">\n<h2 id=\"n-form-h\">{}</h2>\n<p>{}</p>\n</section>\n",
                escape(&w.t("write", &[])),
                escape(&why)
            );
        }
        let target = reply.and_then(|id| find(answer, id));
        let title = match target {
            Some(c) if !c.author.name.is_empty() => w.t("replyTo", &[("name", &c.author.name)]),
            Some(_) => w.t("replyTo", &[("name", &w.t("anon", &[]))]),
            None => w.t("write", &[]),
        };
        let mut fields = again.fields.cloned().unwrap_or_else(|| FormFields {
            url: here.page.url.clone().unwrap_or_default(),
            page_id: here.page.page_id.clone().unwrap_or_default(),
            sort: here
                .sort
                .filter(|s| *s != Sort::Oldest)
                .map(|s| s.as_str().into())
                .unwrap_or_default(),
            embed: here.embed,
            ..FormFields::default()
        });
        if let Some(c) = target {
            fields.parent = c.id.0.to_string();
        }
        let action = self
            .base
            .join("thread")
            .map(String::from)
            .unwrap_or_default();
        let cancel = target.map(|_| here.href(&self.base, None, "form"));
        let look = FormLook {
            words: w,
            settings: s,
            action: &action,
            title: &title,
            form_token: &self.form_token(),
            email_on: self.notifier.email_on(),
            new_posts: s.feed.is_some() && self.notifier.email_on(),
            cancel: cancel.as_deref(),
        };
        form::form(&fields, again.bad, &look)
    }
}

/// The page of a cached fragment's links: the thread's canonical address,
/// so every request that shares the entry gets the same links.
fn canonical(page: &Located, q: &PageQuery) -> PageQuery {
    PageQuery {
        url: Some(page.canonical.clone()),
        page_id: q.page_id.clone(),
    }
}

/// The message after a post, if one was just made.
fn status(w: Words, done: Option<&str>) -> String {
    let said = match done {
        Some("published") => w.t("published", &[]),
        Some("held") => w.t("held", &[]),
        _ => return String::new(),
    };
    format!(
        "<p class=\"n-status\" id=\"status\" role=\"status\">{}</p>\n",
        escape(&said)
    )
}

/// A published comment of the page by id, found without recursion.
fn find(answer: &ThreadAnswer, id: CommentId) -> Option<&CommentView> {
    let mut stack: Vec<&CommentView> = answer.comments.iter().collect();
    while let Some(c) = stack.pop() {
        if c.id == id {
            return Some(c).filter(|c| c.status == Status::Published);
        }
        stack.extend(c.replies.iter());
    }
    None
}
