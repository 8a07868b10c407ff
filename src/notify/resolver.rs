//! The webhook client's DNS resolver, which hands the client only the
//! addresses [`permitted`] lets through (DNS rebinding gets nowhere).

use super::target::permitted;
use crate::domain::net::Cidr;
use std::net::SocketAddr;
use std::sync::Arc;

/// The webhook client's resolver: it resolves a name and returns only the
/// addresses a webhook may reach, so the client connects to nothing else.
pub struct Resolver {
    allow: Arc<Vec<Cidr>>,
}

impl Resolver {
    /// A resolver that lets through public addresses and those in `allow`.
    pub fn new(allow: Vec<Cidr>) -> Resolver {
        Resolver {
            allow: Arc::new(allow),
        }
    }
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = Arc::clone(&self.allow);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let checked: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match permitted(a.ip(), &allow) {
                    Ok(()) => true,
                    Err(m) => {
                        refused = Some(m);
                        false
                    }
                })
                .collect();
            if checked.is_empty() {
                let why = refused.map_or_else(
                    || format!("{host} has no address"),
                    |m| format!("{host} resolves to {m}"),
                );
                return Err(why.into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(checked.into_iter());
            Ok(addrs)
        })
    }
}
