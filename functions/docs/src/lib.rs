//! `/api/openapi.json` and `/api/doc` (API.md, "API documentation"): the OpenAPI document and
//! Swagger UI for it, whose files are compiled in (`swagger-ui/`), so nothing loads from a CDN.
//!
//! The document itself is generated from the handlers by the local gateway
//! (`qhealth-local openapi`); the Lambda function serves the committed `docs/openapi.json`,
//! which the test command checks against the code, and the local gateway serves what it
//! generates at start.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use qhealth::AppState;

/// The document committed beside the code (`make docs` writes it).
pub const COMMITTED_DOCUMENT: &str = include_str!("../../../docs/openapi.json");

const INDEX_HTML: &str = include_str!("../swagger-ui/index.html");
const INITIALIZER_JS: &str = include_str!("../swagger-ui/initializer.js");
const BUNDLE_JS: &str = include_str!("../swagger-ui/swagger-ui-bundle.js");
const STYLESHEET: &str = include_str!("../swagger-ui/swagger-ui.css");
const FAVICON: &[u8] = include_bytes!("../swagger-ui/favicon-32x32.png");

/// Swagger UI draws with inline styles and shows the schema's images as data URLs; scripts
/// come only from this origin.
const PAGE_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                           frame-ancestors 'none'";

/// The documentation's routes, serving `document` (the OpenAPI JSON) as `/openapi.json`.
pub fn router(document: &'static str) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(move || async move { file("application/json", document) }))
        .route("/doc", get(swagger_ui))
        .route("/doc/initializer.js", get(|| async { file(JAVASCRIPT, INITIALIZER_JS) }))
        .route("/doc/swagger-ui-bundle.js", get(|| async { file(JAVASCRIPT, BUNDLE_JS) }))
        .route("/doc/swagger-ui.css", get(|| async { file("text/css; charset=utf-8", STYLESHEET) }))
        .route("/doc/favicon-32x32.png", get(|| async { file("image/png", FAVICON) }))
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

async fn swagger_ui() -> Response {
    let mut response = file("text/html; charset=utf-8", INDEX_HTML);
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_POLICY));
    response
}

fn file(content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body.into()).into_response()
}
