//! The admin JSON API under `/admin/api/`: a session cookie for every call,
//! and the `X-CSRF-Token` header for every change.

mod answers;
mod bans;
mod comments;
mod identities;
mod providers;
mod session;
mod sites;
mod threads;

use super::Ctx;
use crate::app::AdminSession;
use crate::error::Error;
use crate::keys::constant_time_eq;
use warp::http::{HeaderValue, header};
use warp::reply::Response;
use warp::{Filter as _, Rejection};

const COOKIE: &str = "natter_admin";

pub fn routes(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    session::login(ctx)
        .or(session::logout(ctx))
        .unify()
        .or(session::session(ctx))
        .unify()
        .or(comments::list_comments(ctx))
        .unify()
        .or(comments::bulk(ctx))
        .unify()
        .or(comments::edit(ctx))
        .unify()
        .or(comments::reply(ctx))
        .unify()
        .or(comments::pin(ctx))
        .unify()
        .or(identities::list_identities(ctx))
        .unify()
        .or(identities::link_identity(ctx))
        .unify()
        .or(providers::list_providers(ctx))
        .unify()
        .or(providers::add_provider(ctx))
        .unify()
        .or(providers::change_provider(ctx))
        .unify()
        .or(providers::delete_provider(ctx))
        .unify()
        .or(bans::list_bans(ctx))
        .unify()
        .or(bans::add_ban(ctx))
        .unify()
        .or(bans::remove_ban(ctx))
        .unify()
        .or(threads::list_threads(ctx))
        .unify()
        .or(threads::update_thread(ctx))
        .unify()
        .or(sites::list_sites(ctx))
        .unify()
        .or(sites::save_site(ctx))
        .unify()
        .or(sites::audit(ctx))
        .unify()
        .map(|mut res: Response| {
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        })
}

impl Ctx {
    /// The signed-in moderator, from the session cookie.
    pub(super) fn admin(
        &self,
    ) -> impl warp::Filter<Extract = (AdminSession,), Error = Rejection> + Clone + use<> {
        let app = self.app.clone();
        warp::cookie::optional::<String>(COOKIE).and_then(move |cookie: Option<String>| {
            let app = app.clone();
            async move {
                app.admin_session(cookie.as_deref())
                    .await
                    .map_err(warp::reject::custom)
            }
        })
    }

    /// The same, for a change: the `X-CSRF-Token` header must match the session.
    pub(super) fn admin_change(
        &self,
    ) -> impl warp::Filter<Extract = (AdminSession,), Error = Rejection> + Clone + use<> {
        self.admin()
            .and(warp::header::optional::<String>("x-csrf-token"))
            .and_then(|s: AdminSession, token: Option<String>| async move {
                match token {
                    Some(t) if constant_time_eq(t.as_bytes(), s.csrf.as_bytes()) => Ok(s),
                    _ => Err(warp::reject::custom(Error::CsrfMismatch)),
                }
            })
    }
}
