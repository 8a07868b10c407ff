//! The dispatcher: after each commit it reads the events written since it
//! last looked, once for all streams, and sends each to the streams of its
//! thread. Every few minutes it drops events older than an hour.

use super::Frame;
use crate::app::App;
use crate::domain::now;
use crate::store::events;
use std::sync::Arc;
use std::time::Duration;

/// How many events one read takes.
const BATCH: u32 = 500;

/// How long events are kept for streams that resume.
pub const KEPT_SECONDS: i64 = 3600;

/// How often old events are dropped.
const PRUNE_EVERY: Duration = Duration::from_secs(300);

pub(super) async fn run(app: App) {
    let wake = app.db.committed();
    let mut closing = app.live.inner.closing.subscribe();
    let mut last = app.db.read(events::last_id).await.unwrap_or(0);
    let mut prune = tokio::time::interval(PRUNE_EVERY);
    loop {
        tokio::select! {
            () = wake.notified() => {}
            _ = prune.tick() => {
                prune_old(&app).await;
                continue;
            }
            _ = closing.changed() => return,
        }
        loop {
            match send_new(&app, last).await {
                Ok((seen, more)) => {
                    last = seen;
                    if !more {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not read new events for live streams");
                    break;
                }
            }
        }
    }
}

/// Sends the events after `last` to the streams watching their threads;
/// returns the last id seen and whether there may be more.
async fn send_new(app: &App, last: i64) -> Result<(i64, bool), crate::store::StoreError> {
    let live = app.live.clone();
    let (seen, more, rows) = app
        .db
        .read(move |c| {
            let mut rows = events::after(c, last, BATCH)?;
            let seen = rows.iter().map(|e| e.id).max().unwrap_or(last);
            let more = rows.len() as u32 == BATCH;
            // Only the comments of watched threads are read.
            rows.retain(|e| live.watched(&e.site, &e.key));
            events::with_comments(c, &mut rows)?;
            Ok((seen, more, rows))
        })
        .await?;
    for e in &rows {
        let Some(site) = app.sites.by_id(&e.site) else {
            continue;
        };
        if let Some(frame) = Frame::of(e, &app.keys, &app.look(&site)) {
            app.live.send(&e.site, &e.key, Arc::new(frame));
        }
    }
    Ok((seen, more))
}

/// Drops the events older than [`KEPT_SECONDS`], and forgets threads no
/// one watches.
async fn prune_old(app: &App) {
    app.live.forget_unwatched();
    let before = now() - KEPT_SECONDS;
    loop {
        match app.db.write(move |c| events::prune(c, before)).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "could not drop old live events");
                return;
            }
        }
    }
}
