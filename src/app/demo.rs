//! The demo site's sample conversation: a few comments with replies under
//! the demo post at `/`, so that a newcomer sees what a thread looks like.
//! It is written once, when natter registers the demo site for the first
//! time. The comments are ordinary ones, each name marked "Sample:"; a
//! moderator deletes them like any other, and they do not come back.
//! [`register`] makes the demo site itself, when no site is configured.

use super::App;
use crate::domain::{Origin, PageRef, Site, SiteId, SiteSettings, Status, now};
use crate::render::render;
use crate::store::{StoreError, comments_import, threads};
use std::net::SocketAddr;

/// The demo post's title, as its page gives it.
const TITLE: &str = "Why co-production matters";

/// One sample comment: the entry it replies to (an index into [`SAMPLE`],
/// always an earlier one), the author's name and the Markdown text.
struct Sample {
    reply_to: Option<usize>,
    name: &'static str,
    text: &'static str,
}

const SAMPLE: &[Sample] = &[
    Sample {
        reply_to: None,
        name: "Sample: Priya",
        text: "*This is a sample comment, to show how comments look; a moderator can delete \
               it in the admin page.*\n\nI sit on a co-production group at our local mental \
               health service. What helped most was being paid for our time, the same as \
               everyone else in the room.",
    },
    Sample {
        reply_to: Some(0),
        name: "Sample: Tom",
        text: "Same for us in adult social care. Once we were paid, people listened in a \
               different way. Before that it felt like we were there to tick a box.",
    },
    Sample {
        reply_to: Some(1),
        name: "Sample: Priya",
        text: "Yes. Getting the papers in plain words a week before each meeting made a big \
               difference too.",
    },
    Sample {
        reply_to: None,
        name: "Sample: Gwen, a carer",
        text: "As a carer, the hard part was the meeting times. Most were at ten in the \
               morning, when I help my mum get up. Evening meetings by video meant I could \
               **finally** take part.",
    },
    Sample {
        reply_to: Some(3),
        name: "Sample: Sam, a social worker",
        text: "Thank you for saying this. As a professional I found it hard at first to share \
               decisions, not just ask for views. Working as equals means we can be told we \
               got it wrong, and then change it.",
    },
];

impl App {
    /// With no site configured, natter registers a demo site whose origin is
    /// natter itself, so the page at `/` works at once.
    pub async fn register_demo_site(&self, addr: SocketAddr) -> Result<(), StoreError> {
        let app = self;
        let others = app.sites.all().iter().any(|s| s.id.as_str() != "demo");
        if !app.config.sites.is_empty() || others {
            return Ok(());
        }
        let mut origins = vec![format!("http://{addr}")];
        if addr.ip().is_loopback() {
            origins.push(format!("http://localhost:{}", addr.port()));
        }
        if let Some(url) = &app.config.public_url {
            origins.push(url.origin().ascii_serialization());
        }
        let site = Site {
            id: SiteId::parse("demo").expect("a valid id"),
            name: "natter demo".into(),
            origins: origins
                .iter()
                .filter_map(|o| Origin::parse(o).ok())
                .collect(),
            settings: SiteSettings::default(),
        };
        // Only a demo site registered now for the first time gets the sample
        // conversation: one a moderator deleted never comes back.
        let first_time = app.sites.by_id(&site.id).is_none();
        let id = site.id.clone();
        tracing::info!(origins = ?origins, "no site configured: serving the demo site");
        app.add_site(site).await?;
        if first_time {
            app.add_sample_conversation(id, &format!("http://{addr}/"))
                .await?;
        }
        Ok(())
    }

    /// Writes [`SAMPLE`] as published comments on the thread of `page` (the
    /// demo page's address) of site `site`, an hour apart, the last one now.
    pub async fn add_sample_conversation(
        &self,
        site: SiteId,
        page: &str,
    ) -> Result<(), StoreError> {
        let page = PageRef::parse(page).map_err(StoreError::Corrupt)?;
        let key = page.thread_key(&[]);
        let url = page.canonical();
        let end = now();
        self.db
            .write(move |c| {
                let start = end - 3600 * (SAMPLE.len() as i64 - 1);
                let thread = threads::find_or_create(c, &site, &key, &url, Some(TITLE), start)?;
                let mut ids = Vec::with_capacity(SAMPLE.len());
                for (i, s) in SAMPLE.iter().enumerate() {
                    let id = comments_import::insert_imported(
                        c,
                        &comments_import::Imported {
                            thread_id: thread.id,
                            parent: s.reply_to.map(|r| ids[r]),
                            status: Status::Published,
                            name: Some(s.name),
                            email: None,
                            website: None,
                            text: s.text,
                            html: &render(s.text),
                            ip_hash: None,
                            created: start + 3600 * i as i64,
                            edited: None,
                            likes: 0,
                            dislikes: 0,
                            import_key: &format!("demo-sample-{i}"),
                            preferred_id: None,
                        },
                    )?;
                    ids.push(id);
                }
                Ok(())
            })
            .await
    }
}
