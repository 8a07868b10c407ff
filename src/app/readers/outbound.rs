//! The HTTP client that talks to sign-in providers, lent to the OpenID
//! Connect and OAuth2 crates as their client: natter's own reqwest, so the
//! crates bring no second HTTP stack. Redirects are never followed (the
//! OAuth2 token and user-info calls must not be), answers are cut at
//! [`BODY_MAX`], and each call has a timeout.

use openidconnect::{HttpRequest, HttpResponse};
use std::time::Duration;

/// The most natter reads of a provider's answer.
const BODY_MAX: usize = 1 << 20;

/// Why a call to a provider failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OutboundError(String);

/// A client for calls to providers.
#[derive(Clone)]
pub struct Outbound(reqwest::Client);

impl Outbound {
    pub fn new() -> Result<Outbound, String> {
        // The command line opens an App too, without the server's start,
        // which is where the TLS provider is otherwise installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("natter/", env!("CARGO_PKG_VERSION")))
            .build()
            .map(Outbound)
            .map_err(|e| format!("the sign-in client did not start: {e}"))
    }

    /// Sends one request and reads its answer, at most [`BODY_MAX`] bytes.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, OutboundError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|e| OutboundError(format!("bad request: {e}")))?;
        let host = request.url().host_str().unwrap_or_default().to_string();
        let mut answer = self
            .0
            .execute(request)
            .await
            .map_err(|e| OutboundError(format!("{host} did not answer: {e}")))?;
        let mut out = HttpResponse::new(Vec::new());
        *out.status_mut() = answer.status();
        *out.headers_mut() = answer.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = answer
            .chunk()
            .await
            .map_err(|e| OutboundError(format!("{host} broke off its answer: {e}")))?
        {
            if body.len() + chunk.len() > BODY_MAX {
                return Err(OutboundError(format!("{host} answered with too much")));
            }
            body.extend_from_slice(&chunk);
        }
        *out.body_mut() = body;
        Ok(out)
    }
}

/// The client as the crates take it: a function from request to a future
/// that owns what it needs, so the future is `Send` and `'static`.
pub fn client_fn(
    out: &Outbound,
) -> impl Fn(
    HttpRequest,
) -> std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, OutboundError>> + Send>>
+ use<> {
    let out = out.clone();
    move |r| {
        let out = out.clone();
        Box::pin(async move { out.send(r).await })
    }
}
