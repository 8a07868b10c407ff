#![recursion_limit = "256"]
//! natter: a self-hosted comment service. This crate wires the modules and
//! starts the server; `main.rs` only parses the command line.

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod import;
pub mod keys;
pub mod notify;
pub mod render;
pub mod store;

pub use http::LOG_FILTER;

use app::App;
use config::Config;
use error::StartupError;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::oneshot;

/// A running server.
pub struct Server {
    /// The address it listens on (useful when started on port 0).
    pub addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    done: tokio::task::JoinHandle<()>,
}

/// How long a stopping server waits for a delivery in progress.
const DELIVERY_GRACE: Duration = Duration::from_secs(5);

impl Server {
    /// Stops accepting, finishes requests in flight (closing those still
    /// open after `[limits] shutdown_grace`), commits queued writes.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.done.await;
    }
}

/// Chooses the TLS library's cryptography (ring) for the whole process,
/// once: the webhook client and the mail transport both need it.
pub fn init_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Opens the database, listens, and serves until [`Server::stop`].
pub async fn start(config: Config) -> Result<Server, StartupError> {
    init_tls();
    let (listener, addr) = listen(&config).await?;
    let base = base_url(&config, addr);
    let db_path = config.database.display().to_string();
    let db_error = |e: String| StartupError::Database {
        path: db_path.clone(),
        message: e,
    };
    let app = tokio::task::spawn_blocking(move || App::open(config, base))
        .await
        .map_err(|e| db_error(e.to_string()))?
        .map_err(|e| db_error(e.to_string()))?;
    app.register_demo_site(addr)
        .await
        .map_err(|e| db_error(e.to_string()))?;
    app.ensure_first_admin()
        .await
        .map_err(|e| db_error(e.to_string()))?;

    let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
    let mut worker = notify::worker::spawn(worker_parts(&app), worker_stop).map_err(|message| {
        StartupError::Config {
            path: "[smtp]".into(),
            message,
        }
    })?;
    let mut feeds = tokio::spawn(app.clone().poll_feeds(stop_worker.subscribe()));
    tokio::spawn(app.clone().dispatch_events());
    let ctx = http::Ctx::new(app.clone());
    spawn_housekeeping(&ctx);
    let (tx, rx) = oneshot::channel::<()>();
    let done = tokio::spawn(async move {
        http::serve::run(listener, ctx, async {
            let _ = rx.await;
        })
        .await;
        let _ = stop_worker.send(true);
        if tokio::time::timeout(DELIVERY_GRACE, &mut worker)
            .await
            .is_err()
        {
            worker.abort();
        }
        if tokio::time::timeout(DELIVERY_GRACE, &mut feeds)
            .await
            .is_err()
        {
            feeds.abort();
        }
        tracing::info!("no requests in flight; finishing writes");
        let db = app.db.clone();
        let _ = tokio::task::spawn_blocking(move || db.close()).await;
    });
    tracing::info!(%addr, "natter is listening");
    Ok(Server {
        addr,
        shutdown: tx,
        done,
    })
}

/// Binds the configured address; also returns the address bound (the
/// port chosen, for port 0).
async fn listen(config: &Config) -> Result<(tokio::net::TcpListener, SocketAddr), StartupError> {
    let failed = |message: String| StartupError::Listen {
        addr: config.listen.to_string(),
        message,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| {
            failed(format!(
                "{e}; choose another address with --listen or NATTER_LISTEN"
            ))
        })?;
    let addr = listener.local_addr().map_err(|e| failed(e.to_string()))?;
    Ok((listener, addr))
}

/// How browsers reach natter, for the links in emails: `public_url`, else
/// the address it listens on.
fn base_url(config: &Config, addr: SocketAddr) -> url::Url {
    let mut base = match &config.public_url {
        Some(url) => url.clone(),
        None => url::Url::parse(&format!("http://{addr}/")).expect("an address makes a URL"),
    };
    // Links are joined onto it: natter under a path must keep the path.
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base
}

/// What the outbox worker needs from the running service.
fn worker_parts(app: &App) -> notify::worker::Parts {
    let sites = app.sites.clone();
    notify::worker::Parts {
        db: app.db.clone(),
        notifier: app.notifier.clone(),
        smtp: app.config.smtp.clone(),
        outbox: app.config.outbox,
        webhook_allow_private: app.config.webhook_allow_private.clone(),
        site: std::sync::Arc::new(move |id| sites.by_id(id)),
    }
}

/// Prunes the rate limiters once a minute, and every 5 seconds picks up
/// what the command line changed.
fn spawn_housekeeping(ctx: &http::Ctx) {
    let limits = ctx.limits.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limits.prune();
        }
    });
    let app = ctx.app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        let mut seen = None;
        loop {
            tick.tick().await;
            match app.pick_up_changes(seen.clone()).await {
                Ok(counter) => seen = Some(counter),
                Err(e) => tracing::warn!(error = %e, "could not check for changes"),
            }
        }
    });
    let app = ctx.app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = app.prune_notifications().await {
                tracing::warn!(error = %e, "could not prune the outbox");
            }
        }
    });
}

/// Runs until SIGINT or SIGTERM, then stops gracefully.
pub async fn serve_until_signal(config: Config) -> Result<(), StartupError> {
    let server = start(config).await?;
    println!("natter listening on http://{}", server.addr);
    shutdown_signal().await;
    tracing::info!("stopping: no new connections");
    server.stop().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
