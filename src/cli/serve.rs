//! `natter serve`: load the configuration, start logging and the runtime,
//! and serve until a signal says stop.

use super::{Common, load};
use crate::error::StartupError;
use clap::Args;

/// The arguments of `natter serve`.
#[derive(Args)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// Address to listen on (default: 127.0.0.1:8080).
    #[arg(long)]
    listen: Option<String>,
    /// A site as ID=ORIGIN[,ORIGIN…]; may be repeated.
    #[arg(long = "site")]
    sites: Vec<String>,
}

/// Serves until SIGINT or SIGTERM.
pub(super) fn run(args: ServeArgs) -> Result<(), StartupError> {
    let config = load(&args.common, args.listen, args.sites)?;
    init_logging(config.log_json);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StartupError::Usage(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(crate::serve_until_signal(config))
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NATTER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(crate::LOG_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
