//! HTTP plumbing shared by every function: the `/api` frame with its layers and fallbacks, the
//! request id, and extractors that turn bad input into the contract's errors instead of axum's
//! plain-text rejections.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, MatchedPath, Path, Request,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use lambda_http::request::RequestContext;
use serde_json::Value;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::error::ApiError;
use crate::state::AppState;

/// Largest request body accepted; the biggest legitimate one (a journal entry) is far smaller.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, for logs and 500 bodies.
pub fn current_request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_else(|_| "none".to_owned())
}

/// Serves `routes` under `/api` with the layers every QHealth function shares.
pub fn api(routes: impl Into<Router<AppState>>) -> Router<AppState> {
    let routes = routes.into().method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .nest("/api", routes)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            // Log the route template, never the path: paths carry single-use tokens.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let route = request
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("unmatched", MatchedPath::as_str);
                    tracing::info_span!("request", method = %request.method(), route, request_id = %current_request_id())
                })
                .on_response(|response: &Response<Body>, latency: std::time::Duration, _: &Span| {
                    tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_millis() as u64, "served");
                }),
        )
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("handler panicked".into()).into_response()
        }))
        .layer(middleware::from_fn(with_request_id))
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Names the request: API Gateway's request id on AWS (so it matches the access logs), a fresh
/// one locally. Answers carry tokens and personal data: no browser or proxy may keep them.
async fn with_request_id(request: Request, next: Next) -> Response<Body> {
    let request_id = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
        _ => None,
    }
    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let mut response = REQUEST_ID.scope(request_id.clone(), next.run(request)).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("x-request-id", value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// A JSON request body, not yet interpreted: handlers read it field by field with
/// [`crate::validate::Input`], so that every wrong field is named. An empty body reads as `{}`.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest("Invalid request format.")
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Value::Object(Default::default())));
        }
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|_| ApiError::BadRequest("Invalid request format."))
    }
}

/// The caller's address: API Gateway's `sourceIp` on AWS, the socket peer locally. Never a
/// client-supplied header, which anyone could forge to dodge login throttling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        if let Some(RequestContext::ApiGatewayV2(context)) =
            parts.extensions.get::<RequestContext>()
            && let Some(ip) = &context.http.source_ip
        {
            return Ok(Self(ip.clone()));
        }
        if let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            return Ok(Self(peer.ip().to_canonical().to_string()));
        }
        Ok(Self("unknown".to_owned()))
    }
}

/// A numeric id from the path. Anything that is not a positive whole number names no object,
/// so it is a 404 like any other unknown id.
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let PathToken(raw) = PathToken::from_request_parts(parts, state).await?;
        raw.parse::<u64>().ok().filter(|id| *id > 0).map(Self).ok_or(ApiError::NotFound)
    }
}

/// The path's one parameter as text: a token (activation, recovery and e-mail verification
/// links), or what [`PathId`] reads.
pub struct PathToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(token) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        Ok(Self(token))
    }
}

/// The query string as name → value (the last of repeated names wins). Unknown names are
/// simply never asked for.
#[derive(Debug, Default, Clone)]
pub struct QueryParams(HashMap<String, String>);

impl QueryParams {
    pub fn parse(query: &str) -> Self {
        Self(form_urlencoded::parse(query.as_bytes()).into_owned().collect())
    }

    /// The value of `name`; a blank value counts as absent, as browsers send empty form fields.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(Self::parse(parts.uri.query().unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params_decode_and_ignore_blanks() {
        let params = QueryParams::parse("icontains_city=Malm%C3%B6&size=&page=2&page=3");
        assert_eq!(params.get("icontains_city"), Some("Malmö"));
        assert_eq!(params.get("size"), None);
        assert_eq!(params.get("page"), Some("3"));
        assert_eq!(params.get("missing"), None);
    }
}
