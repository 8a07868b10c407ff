//! `natter site add|list|remove`: the sites of the database. A running
//! natter picks changes up within five seconds.

use super::{Common, refused, with_app};
use crate::domain::audit::Actor;
use crate::domain::site::parse_duration;
use crate::domain::{ModerationMode, Origin, Site, SiteId, SiteSettings};
use crate::error::{Error, StartupError};
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub(super) enum SiteAction {
    /// Register a site, or update the one with this id.
    Add(AddArgs),
    /// List the registered sites.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Remove a site with all its threads and comments.
    Remove {
        #[command(flatten)]
        common: Common,
        id: String,
    },
}

/// The arguments of `natter site add`.
#[derive(Args)]
pub(super) struct AddArgs {
    #[command(flatten)]
    common: Common,
    id: String,
    /// An origin pages of the site are served from; may be repeated.
    #[arg(long = "origin", required = true)]
    origins: Vec<String>,
    #[arg(long)]
    name: Option<String>,
    /// none, first or all.
    #[arg(long, default_value = "none")]
    moderation: String,
    /// How long authors may edit, like 15m.
    #[arg(long, default_value = "15m")]
    edit_window: String,
    /// Query parameters that identify a page, comma separated (WordPress: p,page_id).
    #[arg(long, value_delimiter = ',')]
    keep_query: Vec<String>,
    /// The language of emails: en, de, fr, es, nl, pt or ar.
    #[arg(long, default_value = "en")]
    language: String,
    /// An address emailed about each new comment; may be repeated.
    #[arg(long = "moderator-email")]
    moderator_emails: Vec<String>,
}

/// Runs one `natter site` action.
pub(super) fn run(action: SiteAction) -> Result<(), StartupError> {
    match action {
        SiteAction::Add(args) => add(args),
        SiteAction::List { common } => list(&common),
        SiteAction::Remove { common, id } => remove(&common, &id),
    }
}

impl AddArgs {
    /// The site the flags describe, checked as the admin page checks one.
    fn site(self) -> Result<Site, StartupError> {
        let settings = SiteSettings {
            moderation: ModerationMode::parse(&self.moderation).map_err(StartupError::Usage)?,
            edit_window_seconds: parse_duration(&self.edit_window).map_err(StartupError::Usage)?,
            keep_query: self.keep_query,
            language: self.language,
            moderator_emails: self.moderator_emails,
            ..SiteSettings::default()
        };
        let name = self.name.unwrap_or_else(|| self.id.clone());
        Site::new(&self.id, &name, &self.origins, settings)
            .map_err(|e| StartupError::Usage(e.message))
    }
}

fn add(args: AddArgs) -> Result<(), StartupError> {
    let common = args.common.clone();
    let id = args.id.clone();
    let site = args.site()?;
    with_app(&common, |app| async move {
        let saved = async {
            app.save_site_as(Actor::CommandLine, site).await?;
            app.announce_change().await
        };
        saved.await.map_err(|e| refused(&app, e))
    })?;
    println!("site {id} saved; a running natter picks it up within 5 seconds");
    Ok(())
}

fn list(common: &Common) -> Result<(), StartupError> {
    let sites = with_app(common, |app| async move { Ok(app.sites.all()) })?;
    for s in sites.iter() {
        let origins: Vec<&str> = s.origins.iter().map(Origin::as_str).collect();
        println!(
            "{}\t{}\t{}\tmoderation={}",
            s.id,
            s.name,
            origins.join(","),
            s.settings.moderation.as_str()
        );
    }
    Ok(())
}

fn remove(common: &Common, id: &str) -> Result<(), StartupError> {
    let id = SiteId::parse(id).map_err(StartupError::Usage)?;
    let shown = id.to_string();
    let unknown = format!("there is no site {shown}; `natter site list` shows the sites");
    with_app(common, |app| async move {
        let removed = async {
            app.remove_site(id).await?;
            app.announce_change().await
        };
        removed.await.map_err(|e| match e {
            Error::NotFound => StartupError::Usage(unknown),
            e => refused(&app, e),
        })
    })?;
    println!("site {shown} removed");
    Ok(())
}
