//! `natter check-config` and `natter healthcheck`: the two questions an
//! operator (or a container's health probe) asks before and while serving.

use super::{Common, load};
use crate::domain::Origin;
use crate::error::StartupError;
use clap::Args;
use std::io::{Read, Write};
use std::time::Duration;

/// The arguments of `natter healthcheck`.
#[derive(Args)]
pub(super) struct HealthArgs {
    #[command(flatten)]
    common: Common,
    /// Address of the server (default: the configured listen address).
    #[arg(long)]
    listen: Option<String>,
}

/// Loads the configuration and says what it holds.
pub(super) fn config(common: &Common) -> Result<(), StartupError> {
    let config = load(common, None, Vec::new())?;
    let on_off = |on: bool| if on { "on" } else { "off" };
    println!("configuration is valid");
    println!("listen: {}", config.listen);
    println!("database: {}", config.database.display());
    println!("rate limits: {}", on_off(config.rate_limit));
    println!("email notifications: {}", on_off(config.smtp.is_some()));
    if config.sites.is_empty() {
        println!("sites: none configured (the demo site is used unless the database has sites)");
    }
    for s in &config.sites {
        let origins: Vec<&str> = s.origins.iter().map(Origin::as_str).collect();
        println!(
            "site {}: {} (moderation {})",
            s.id,
            origins.join(", "),
            s.settings.moderation.as_str()
        );
    }
    Ok(())
}

/// A plain HTTP/1.1 GET of `/healthz`, so the binary needs no HTTP client.
pub(super) fn health(args: HealthArgs) -> Result<(), StartupError> {
    let addr = load(&args.common, args.listen, Vec::new())?.listen;
    let fail = |m: String| StartupError::Usage(format!("health check of {addr} failed: {m}"));
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3))
        .map_err(|e| fail(e.to_string()))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| fail(e.to_string()))?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| fail(e.to_string()))?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| fail(e.to_string()))?;
    let status = answer.lines().next().unwrap_or("");
    if status.split_whitespace().nth(1) == Some("200") {
        println!("healthy");
        Ok(())
    } else {
        Err(fail(format!("answer was {status:?}")))
    }
}
