//! What natter does, between the doors (HTTP, the command line) and the
//! store: each use case is one `App` method, one feature per file.

mod admin_reply;
mod admins;
mod audit;
pub mod avatar;
mod bans;
mod blocking;
pub mod bulk;
pub mod cache;
mod counts;
mod demo;
mod encoded;
pub mod export;
pub mod feed;
mod identities;
mod link_moderation;
mod link_subscriptions;
mod links;
pub mod live;
mod locate;
mod moderation;
mod new_posts;
mod outbox;
mod own;
mod pages;
mod pins;
mod post;
mod privacy;
mod providers_admin;
mod read;
pub mod readers;
mod session;
pub mod signin;
mod sites;
mod thread_html;
mod threads;
pub mod view;
mod votes;
mod your_subscriptions;

/// What [`App::bans`] and [`App::audit_log`] give, for the admin answers
/// built from them.
pub use crate::store::{audit::AuditRow, bans::BanRow};
pub use admins::{Moderator, check_username};
pub use bans::BanOf;
pub use counts::{FieldLimits, SiteConfigView};
pub use identities::IdentityView;
pub use locate::{Located, PageQuery};
pub use moderation::{AdminAuthor, AdminComment, CommentList};
pub use outbox::{OutboxCounts, OutboxItem, OutboxList};
pub use pages::LinkAnswer;
pub use post::{Extras, Posted};
pub use privacy::PRIVACY_EVERY;
pub use providers_admin::ProviderView;
pub use read::ThreadParams;
pub use session::{AdminSession, hash_blocking};
pub use sites::{SiteView, Sites};
pub use thread_html::{FormFields, HtmlAnswer, PageAsk};
pub use threads::{AdminThread, ThreadChange, ThreadWithCount};
pub use votes::VoteCounts;

use crate::config::Config;
use crate::error::Error;
use crate::keys::Keys;
use crate::store::{self, Db, StoreError};
use std::sync::Arc;

/// Who is asking: the address key the limits use (an IPv6 client's /64),
/// and the browser's `Origin` header, if any.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip_key: String,
    pub origin: Option<String>,
}

/// The running service: a handle on its shared state, cheap to clone (every
/// route holds one, and warp clones routes for each request).
#[derive(Clone)]
pub struct App(Arc<State>);

/// What the running service shares between requests.
pub struct State {
    pub config: Arc<Config>,
    pub db: Db,
    pub keys: Keys,
    pub sites: Sites,
    pub cache: cache::Cache,
    pub notifier: crate::notify::Notifier,
    /// The limits on admin sign-in attempts and password checks.
    pub sign_in: signin::SignIn,
    /// The sign-in providers for readers.
    pub providers: readers::Providers,
    /// The HTTP client for calls to providers.
    pub outbound: readers::Outbound,
    /// How browsers reach natter: the base of its own links.
    pub base: url::Url,
    /// The open live streams and the threads they watch.
    pub live: live::Live,
    /// The current form token and the second it was made for.
    form_token: std::sync::Mutex<(i64, String)>,
}

impl std::ops::Deref for App {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

/// Opens the configured database and writes the sites of the configuration
/// into it, so that every command (not only `natter serve`) knows them.
/// Whatever opens the database opens it here.
pub fn open_database(config: &Config) -> Result<Db, StoreError> {
    let db = Db::open(&config.database)?;
    let configured = config.sites.clone();
    let synced = db.write_blocking(move |c| {
        configured
            .iter()
            .try_for_each(|site| store::sites::upsert(c, site))
    });
    if let Err(e) = synced {
        db.close();
        return Err(e);
    }
    Ok(db)
}

impl App {
    /// Opens the database, makes the server secret on first start, and
    /// registers the configured sites. `base` is how browsers reach natter,
    /// for the links in emails.
    pub fn open(config: Config, base: url::Url) -> Result<App, StoreError> {
        let db = open_database(&config)?;
        let secret =
            db.write_blocking(|c| store::settings::init(c, "secret", &Keys::generate_secret()))?;
        let sites = db.write_blocking(store::sites::list)?;
        let registry = Sites::default();
        registry.replace(sites);
        let keys = Keys::new(secret.into_bytes());
        let notifier =
            crate::notify::Notifier::new(keys.clone(), base.clone(), config.smtp.is_some());
        let outbound = readers::Outbound::new().map_err(StoreError::Sqlite)?;
        let providers = readers::Providers::new(config.providers.clone());
        let stored = db.write_blocking(store::providers::list)?;
        providers.replace_stored(providers_admin::checked(&stored));
        Ok(App(Arc::new(State {
            config: Arc::new(config),
            db,
            keys,
            notifier,
            sites: registry,
            cache: cache::Cache::default(),
            sign_in: Default::default(),
            providers,
            outbound,
            base,
            live: Default::default(),
            form_token: Default::default(),
        })))
    }

    /// The same as [`App::open`], for one command of the command line: it
    /// sends no email, so links are made on the configured public address,
    /// or else on the listen address.
    pub fn for_command(config: Config) -> Result<App, StoreError> {
        let base = match &config.public_url {
            Some(url) => url.clone(),
            None => url::Url::parse(&format!("http://{}/", config.listen))
                .expect("an address makes a URL"),
        };
        App::open(config, base)
    }

    /// Checks the database, for `/healthz`. After writes failed for a
    /// [`store::Trouble`] (a full disk, a lock), a probe write tells whether
    /// they work again; until one does, the trouble is the answer.
    pub async fn health(&self) -> Result<(), Error> {
        self.db.read(store::ping).await?;
        if self.db.trouble().is_some() {
            self.db.write(store::settings::probe).await?;
        }
        Ok(())
    }
}
