//! What natter sends out: `[smtp]`, `[outbox]` and `[webhooks]`. Their
//! types belong to `notify`, which uses them; here they are read and checked.

use super::Config;
use super::env::{Vars, cidrs};
use super::file::{File, OutboxFile};
use crate::domain::site::parse_duration;
use crate::notify::Outbox;
use std::time::Duration;

/// Applies the mail, retry and webhook settings.
pub(super) fn apply(config: &mut Config, f: &mut File, vars: &Vars) -> Result<(), String> {
    config.smtp = f.smtp.take();
    if let Some(smtp) = config.smtp.as_mut() {
        if let Some(pw) = vars.get("NATTER_SMTP_PASSWORD") {
            smtp.password = Some(pw);
        }
        smtp.check()?;
    }
    if let Some(o) = f.outbox.take() {
        config.outbox = outbox(o, config.outbox)?;
    }
    if let Some(w) = f.webhooks.take() {
        config.webhook_allow_private = cidrs(&w.allow_private, "[webhooks] allow_private")?;
    }
    Ok(())
}

/// The retry policy, each value given one defaulted; waits are at least 1 s.
fn outbox(o: OutboxFile, d: Outbox) -> Result<Outbox, String> {
    let secs = |v: Option<String>, d: Duration| {
        v.map_or(Ok(d), |v| {
            parse_duration(&v).map(|s| Duration::from_secs(u64::from(s.max(1))))
        })
    };
    let attempts = match o.attempts {
        Some(0) => return Err("[outbox] attempts must be at least 1".into()),
        Some(a) => a,
        None => d.attempts,
    };
    Ok(Outbox {
        first_retry: secs(o.first_retry, d.first_retry)?,
        max_retry: secs(o.max_retry, d.max_retry)?,
        attempts,
    })
}
