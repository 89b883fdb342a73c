//! The one error type of every handler, and the only place that builds error bodies
//! (API.md, "Errors").

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::current_request_id;

/// Problems with named fields: `{"profile.date_of_birth": ["You must be at least 18 ..."]}`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// One field, one problem: the common case of a business check.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields named, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn get(&self, field: &str) -> Option<&[String]> {
        self.0.get(field).map(Vec::as_slice)
    }

    /// `Ok(())` when nothing was wrong, the 400 otherwise.
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.is_empty() { Ok(()) } else { Err(ApiError::Invalid(self)) }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 with every failing field named.
    #[error("invalid data")]
    Invalid(FieldErrors),
    /// 400 for a request that cannot be read at all, or that asks for nothing to be done.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// 401: missing, invalid, expired or spent token, or bad credentials.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// 403: signed in, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// 404: unknown, or not the caller's to see.
    #[error("not found")]
    NotFound,
    #[error("invalid page")]
    InvalidPage,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: a business rule forbids it; the text says why, for a clinic employee.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("too many failed logins")]
    TooManyRequests { retry_after_secs: u64 },
    /// 500: logged with the request id; the body says nothing more.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    /// A 400 naming one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors::single(field, message))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound | Self::InvalidPage => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(format!("database: {error}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            Self::Invalid(errors) => json!({"detail": "Invalid data.", "errors": errors.0}),
            Self::BadRequest(detail) | Self::Unauthorized(detail) => json!({"detail": detail}),
            Self::Forbidden => json!({"detail": "You don't have access."}),
            Self::NotFound => json!({"detail": "Not found."}),
            Self::InvalidPage => json!({"detail": "Invalid page."}),
            Self::MethodNotAllowed => json!({"detail": "Method not allowed."}),
            Self::Conflict(detail) => json!({"detail": detail}),
            Self::PayloadTooLarge => json!({"detail": "Request body is too large."}),
            Self::TooManyRequests { .. } => json!({
                "detail": "Too many failed login attempts. Try again in 10 minutes."
            }),
            Self::Internal(error) => {
                let request_id = current_request_id();
                tracing::error!(%request_id, error = %error, "request failed");
                json!({"detail": "Internal error.", "request_id": request_id})
            }
        };
        let mut response = (status, Json(body)).into_response();
        if let Self::TooManyRequests { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body_of(error: ApiError) -> (StatusCode, serde_json::Value, Response) {
        let response = error.into_response();
        let status = response.status();
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, 1 << 16).await.unwrap();
        let json = serde_json::from_slice(&bytes).unwrap();
        (status, json, Response::from_parts(parts, axum::body::Body::empty()))
    }

    #[tokio::test]
    async fn validation_errors_name_every_field() {
        let mut errors = FieldErrors::new();
        errors.add("profile.date_of_birth", "You must be at least 18 years old to register.");
        errors.add("email", "Enter a valid e-mail address.");
        let (status, json, _) = body_of(ApiError::Invalid(errors)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(json["detail"], "Invalid data.");
        assert_eq!(
            json["errors"]["profile.date_of_birth"][0],
            "You must be at least 18 years old to register."
        );
        assert_eq!(json["errors"]["email"][0], "Enter a valid e-mail address.");
    }

    #[tokio::test]
    async fn too_many_requests_says_when_to_retry() {
        let (status, json, response) =
            body_of(ApiError::TooManyRequests { retry_after_secs: 599 }).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "599");
        assert_eq!(json["detail"], "Too many failed login attempts. Try again in 10 minutes.");
    }

    #[tokio::test]
    async fn internal_errors_leak_nothing() {
        let (status, json, _) =
            body_of(ApiError::internal("Duplicate entry 'secret' for key 'users_email'")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(json["detail"], "Internal error.");
        assert!(json["request_id"].is_string());
        assert!(!json.to_string().contains("secret"));
    }
}
