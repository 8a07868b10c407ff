//! One import, start to end: the format chosen, the site's kept query
//! parameters updated, the parser run inside one write transaction, and a
//! dry run rolled back.

use super::{ImportError, Sink, Summary, disqus, isso, json, wordpress};
use crate::keys::Keys;

/// The sources natter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Wordpress,
    Disqus,
    Isso,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "wordpress" => Some(Format::Wordpress),
            "disqus" => Some(Format::Disqus),
            "isso" => Some(Format::Isso),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// How an import runs, besides its file and site.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Read and check everything, report, and change nothing.
    pub dry_run: bool,
    /// Query parameters that tell the site's pages apart (WordPress's
    /// `p`), kept for the site from now on.
    pub keep_query: Vec<String>,
}

/// Imports a file into a site, all or nothing.
pub fn run(
    db: &crate::store::Db,
    format: Format,
    file: &std::path::Path,
    site: Option<&crate::domain::SiteId>,
    options: &Options,
    webhook_allow: &[crate::config::Cidr],
) -> Result<Summary, ImportError> {
    if !file.exists() {
        return Err(ImportError::Io(format!(
            "there is no file {}",
            file.display()
        )));
    }
    let file = file.to_path_buf();
    let site = site.cloned();
    let webhook_allow = webhook_allow.to_vec();
    let options = options.clone();
    db.write_blocking(move |conn| {
        let secret = crate::store::init_setting(conn, "secret", &Keys::generate_secret())?;
        let keys = Keys::new(secret.into_bytes());
        let mut sites = crate::store::sites::list(conn)?;
        let mut notes = Vec::new();
        if !options.keep_query.is_empty() {
            let Some(id) = &site else {
                return Err(ImportError::Invalid(
                    "--keep-query needs --site ID: it is kept for that site".into(),
                ));
            };
            let Some(s) = sites.iter_mut().find(|s| &s.id == id) else {
                return Err(no_site(id));
            };
            let mut added = Vec::new();
            for q in &options.keep_query {
                if !s.settings.keep_query.contains(q) {
                    s.settings.keep_query.push(q.clone());
                    added.push(q.as_str());
                }
            }
            if !added.is_empty() {
                crate::store::sites::upsert(conn, s)?;
                notes.push(format!(
                    "site {id} now keeps the query parameter {} in its page addresses",
                    added.join(", ")
                ));
            }
        }
        let find = |id: &crate::domain::SiteId| {
            sites
                .iter()
                .find(|s| &s.id == id)
                .cloned()
                .ok_or_else(|| no_site(id))
        };
        // Isso's generic format is a JSON array, whichever name it comes under.
        let generic = matches!(format, Format::Json | Format::Isso) && isso::is_generic(&file)?;
        let summary = match (format, &site) {
            (Format::Json, _) if !generic => {
                json::import(conn, &keys, &file, site.as_ref(), &sites, &webhook_allow)?
            }
            (_, None) => {
                return Err(ImportError::Invalid(
                    "say which site the comments belong to with --site ID".into(),
                ));
            }
            (Format::Wordpress, Some(id)) => {
                wordpress::import(&mut Sink::new(conn, &find(id)?, &keys, "wordpress"), &file)?
            }
            (Format::Disqus, Some(id)) => {
                disqus::import(&mut Sink::new(conn, &find(id)?, &keys, "disqus"), &file)?
            }
            (Format::Isso, Some(id)) if !generic => {
                isso::import(&mut Sink::new(conn, &find(id)?, &keys, "isso"), &file)?
            }
            (Format::Isso | Format::Json, Some(id)) => isso::import_generic(
                &mut Sink::new(conn, &find(id)?, &keys, "isso-generic"),
                &file,
            )?,
        };
        let mut summary = summary;
        summary.notes.extend(notes);
        if options.dry_run {
            return Err(ImportError::DryRun(Box::new(summary)));
        }
        crate::store::mark_changed(conn)?;
        Ok(summary)
    })
}

fn no_site(id: &crate::domain::SiteId) -> ImportError {
    ImportError::Invalid(format!(
        "there is no site {id}; add it first with `natter site add {id} --origin https://…`"
    ))
}
