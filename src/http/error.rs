//! The one map from errors to HTTP: a status and
//! `{"error": "snake_case_code", "message": "…", "field": "…"}`.

use crate::error::Error;
use serde::Serialize;
use std::convert::Infallible;
use warp::http::{HeaderValue, StatusCode};
use warp::reply::Response;
use warp::{Rejection, Reply};

impl warp::reject::Reject for Error {}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

/// The status and code of each error. No catch-all arm: a new variant must
/// be given its status here.
pub(super) fn status_and_code(e: &Error) -> (StatusCode, &'static str) {
    match e {
        Error::Validation { .. } => (StatusCode::BAD_REQUEST, "validation_failed"),
        Error::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
        Error::UnknownSite { .. } => (StatusCode::FORBIDDEN, "unknown_site"),
        Error::ForbiddenOrigin { .. } => (StatusCode::FORBIDDEN, "forbidden_origin"),
        Error::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        Error::ThreadLocked => (StatusCode::FORBIDDEN, "thread_locked"),
        Error::Duplicate => (StatusCode::CONFLICT, "duplicate"),
        Error::OwnComment => (StatusCode::FORBIDDEN, "own_comment"),
        Error::MissingToken => (StatusCode::UNAUTHORIZED, "missing_token"),
        Error::InvalidToken => (StatusCode::FORBIDDEN, "invalid_token"),
        Error::EditWindowClosed => (StatusCode::FORBIDDEN, "edit_window_closed"),
        Error::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        Error::TooManyStreams => (StatusCode::TOO_MANY_REQUESTS, "too_many_streams"),
        Error::UnsupportedMediaType => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        }
        Error::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        Error::Banned => (StatusCode::FORBIDDEN, "banned"),
        Error::NotSignedIn => (StatusCode::UNAUTHORIZED, "not_signed_in"),
        Error::SignedOut => (StatusCode::UNAUTHORIZED, "signed_out"),
        Error::SignInRequired => (StatusCode::UNAUTHORIZED, "sign_in_required"),
        Error::SignInFailed(_) => (StatusCode::BAD_REQUEST, "sign_in_failed"),
        Error::CsrfMismatch => (StatusCode::FORBIDDEN, "csrf_mismatch"),
        Error::LoginFailed => (StatusCode::UNAUTHORIZED, "login_failed"),
        Error::SignInPaused { .. } => (StatusCode::TOO_MANY_REQUESTS, "sign_in_paused"),
        Error::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
        Error::LinkUsed => (StatusCode::CONFLICT, "link_used"),
        Error::LinkInvalid => (StatusCode::BAD_REQUEST, "link_invalid"),
        Error::LinkExpired => (StatusCode::GONE, "link_expired"),
        Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        Error::DiskFull(_) => (StatusCode::SERVICE_UNAVAILABLE, "disk_full"),
        Error::DatabaseLocked(_) => (StatusCode::SERVICE_UNAVAILABLE, "database_locked"),
        Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

/// The response for an error; internal detail goes to the log only.
pub fn error_response(e: &Error) -> Response {
    let (status, code) = status_and_code(e);
    match e {
        Error::Internal(detail) => tracing::error!(%detail, "internal error"),
        Error::DiskFull(detail) => {
            tracing::error!(problem = "disk full", %detail, "could not save: disk full")
        }
        Error::DatabaseLocked(detail) => {
            tracing::error!(problem = "database locked", %detail, "could not save: database locked")
        }
        _ => {}
    }
    let field = match e {
        Error::Validation { field, .. } => Some(*field),
        _ => None,
    };
    let mut res = json_error(status, code, e.to_string(), field);
    if let Error::RateLimited { retry_after }
    | Error::SignInPaused { retry_after, .. }
    | Error::Busy { retry_after } = e
    {
        res.headers_mut().insert(
            "retry-after",
            retry_after.to_string().parse().expect("digits"),
        );
    }
    if let Error::TooManyStreams = e {
        res.headers_mut()
            .insert("retry-after", HeaderValue::from_static("60"));
    }
    res
}

fn json_error(status: StatusCode, code: &str, message: String, field: Option<&str>) -> Response {
    let body = Body {
        error: code,
        message,
        field,
    };
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}

/// Turns what is left of a rejected request into the same JSON shape.
pub async fn recover(r: Rejection) -> Result<Response, Infallible> {
    if let Some(e) = r.find::<Error>() {
        return Ok(error_response(e));
    }
    let (status, code, message) = if r.is_not_found() {
        (
            StatusCode::NOT_FOUND,
            "not_found",
            "There is nothing at this address. The API is described at /api/openapi.json."
                .to_string(),
        )
    } else if r.find::<warp::reject::PayloadTooLarge>().is_some() {
        return Ok(error_response(&Error::PayloadTooLarge));
    } else if r.find::<warp::reject::LengthRequired>().is_some() {
        (
            StatusCode::LENGTH_REQUIRED,
            "length_required",
            "Send the body with a Content-Length header.".to_string(),
        )
    } else if r.find::<warp::reject::MethodNotAllowed>().is_some() {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This address does not take that method. The API is described at /api/openapi.json."
                .to_string(),
        )
    } else if let Some(e) = r.find::<warp::reject::InvalidQuery>() {
        (
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("The query string is not valid: {e}."),
        )
    } else if r.find::<warp::reject::InvalidHeader>().is_some()
        || r.find::<warp::reject::MissingHeader>().is_some()
    {
        (
            StatusCode::BAD_REQUEST,
            "bad_request",
            "A request header is missing or not valid.".to_string(),
        )
    } else {
        tracing::warn!(rejection = ?r, "unhandled rejection");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Error::Internal(String::new()).to_string(),
        )
    };
    Ok(json_error(status, code, message, None))
}
