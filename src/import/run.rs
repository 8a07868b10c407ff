//! One import, start to end: the format chosen, the site's kept query
//! parameters updated, the parser run inside one write transaction, and a
//! dry run rolled back.

use super::{disqus, isso, json, wordpress};
use crate::app::App;
use crate::app::bulk::{Bulk, ImportError, Sink, Summary};
use crate::domain::SiteId;
use std::path::Path;

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

/// Imports a file into a site, all or nothing, in one bulk transaction
/// of `app`.
pub fn run(
    app: &App,
    format: Format,
    file: &Path,
    site: Option<&SiteId>,
    options: &Options,
) -> Result<Summary, ImportError> {
    if !file.exists() {
        return Err(ImportError::Io(format!(
            "there is no file {}",
            file.display()
        )));
    }
    let file = file.to_path_buf();
    let site = site.cloned();
    let options = options.clone();
    app.bulk(move |bulk| {
        let note = match (&site, options.keep_query.is_empty()) {
            (_, true) => None,
            (Some(id), false) => bulk.keep_query(id, &options.keep_query)?,
            (None, false) => {
                return Err(ImportError::Invalid(
                    "--keep-query needs --site ID: it is kept for that site".into(),
                ));
            }
        };
        let mut summary = read(bulk, format, &file, site.as_ref())?;
        summary.notes.extend(note);
        if options.dry_run {
            return Err(ImportError::DryRun(Box::new(summary)));
        }
        Ok(summary)
    })
}

/// Reads the file with the parser of its format.
fn read(
    bulk: &mut Bulk<'_>,
    format: Format,
    file: &Path,
    site: Option<&SiteId>,
) -> Result<Summary, ImportError> {
    // Isso's generic format is a JSON array, whichever name it comes under.
    let generic = matches!(format, Format::Json | Format::Isso) && isso::is_generic(file)?;
    if format == Format::Json && !generic {
        return json::import(bulk, file, site);
    }
    let Some(id) = site else {
        return Err(ImportError::Invalid(
            "say which site the comments belong to with --site ID".into(),
        ));
    };
    let site = bulk.site(id)?;
    let (parse, source): (fn(&mut Sink<'_>, &Path) -> _, _) = match format {
        Format::Wordpress => (wordpress::import, "wordpress"),
        Format::Disqus => (disqus::import, "disqus"),
        Format::Isso | Format::Json if generic => (isso::import_generic, "isso-generic"),
        Format::Isso | Format::Json => (isso::import, "isso"),
    };
    parse(&mut bulk.sink(&site, source), file)
}
