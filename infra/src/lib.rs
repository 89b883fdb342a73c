//! The local gateway: every function's router in one process, under `/api`, the way API Gateway
//! would route to them, the WebSocket API ([`ws`]), the built web app at `/`, plus the operator
//! commands (`create-superuser`) and the scheduled jobs ([`jobs`]).

pub mod jobs;
pub mod spa;
pub mod ws;

use std::net::SocketAddr;

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use qhealth::AppState;
use qhealth::auth::Passwords;
use qhealth::users::superuser::{NewSuperuser, SuperuserError, checked_password, insert_superuser};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The health check's answer.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation only: the handler answers with `json!`
struct HealthStatus {
    /// `ok` or `unavailable`.
    status: String,
}

/// Every HTTP function's routes, as API Gateway would route to them, plus `GET /api/health`;
/// the API's documentation at `/api/openapi.json` and `/api/doc`; the WebSocket API at `/ws`
/// and its management API at `/@connections`; every other path is the web app's (see [`spa`]).
pub fn app(state: AppState) -> Router {
    let (routes, document) = api_routes().split_for_parts();
    // Generated once per process; the documentation's routes hold it for good.
    let document: &'static str = String::leak(openapi_json(document));
    let routes = routes.merge(qhealth_docs::router(document));
    let websocket = ws::routes(state.clone());
    let app = qhealth::http::api(routes).with_state(state).merge(websocket);
    spa::serve_app(app, spa::Spa::from_env())
}

/// The API's routes with their documentation: what each function serves on AWS, merged.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .merge(qhealth_auth::router())
        .merge(qhealth_users::router())
        .merge(qhealth_roles::router())
        .merge(qhealth_diagnostics::router())
        .merge(qhealth_booking_diagnostic::router())
        .merge(qhealth_booking_doctor::router())
        .merge(qhealth_patient_card::router())
        .merge(qhealth_patient_recipe::router())
        .merge(qhealth_sick_leave::router())
        .merge(qhealth_security::router())
        .merge(qhealth_audit::router())
}

/// The OpenAPI document of [`api_routes`], as `docs/openapi.json` holds it (pretty-printed,
/// with a final newline).
pub fn openapi_json(operations: OpenApi) -> String {
    let document = qhealth::openapi::finish(operations);
    let mut json = document.to_pretty_json().expect("an OpenAPI document always serializes");
    json.push('\n');
    json
}

/// Whether the service can reach its database.
///
/// **Who:** anyone. 200 `{"status": "ok"}` once the database answers, 503 otherwise.
#[utoipa::path(get, path = "/health", tag = "health", responses(
    (status = 200, body = HealthStatus, example = json!({"status": "ok"})),
    (status = 503, body = HealthStatus, example = json!({"status": "unavailable"}))))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match sqlx::query("SELECT 1").execute(&state.db).await {
        Ok(_) => (StatusCode::OK, Json(json!({"status": "ok"}))),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable"})))
        }
    }
}

/// Serves `app` until `shutdown` completes, recording each client's address for throttling.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Creates an active superuser with a minimal profile (name and surname); the new user's id.
pub async fn create_superuser(
    db: &MySqlPool,
    passwords: &Passwords,
    email: &str,
    password: &str,
    name: &str,
    surname: &str,
    now: DateTime<Utc>,
) -> Result<u64, SuperuserError> {
    let superuser = NewSuperuser::checked(email, name, surname)?;
    let password_hash = passwords.hash(checked_password(password)?).await?;
    let mut tx = db.begin().await?;
    let user_id = insert_superuser(&mut tx, superuser, Some(password_hash), now).await?;
    tx.commit().await?;
    Ok(user_id)
}
