//! `/api/security`: the login history staff review (API.md, "Login history"). Every login
//! attempt, successful or not, is written by `/api/auth`; here it is listed and pruned.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::auth::{Caller, CallerDb};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{PathId, QueryParams};
use qhealth::openapi::{Forbidden, PageQuery};
use qhealth::page::{Page, PageRequest, bump_version};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod history;

use crate::history::{LoginHistoryFilter, Order};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_attempts)).routes(routes!(delete_attempt))
}

/// One login attempt, successful or not.
#[derive(Debug, Serialize, sqlx::FromRow, ToSchema)]
#[schema(example = json!({"id": 42, "email": "eva@example.com", "ip_address": "192.0.2.10",
                          "timestamp": "2026-11-02T08:15:00Z", "success": false,
                          "created_at": "2026-11-02T08:15:00Z",
                          "updated_at": "2026-11-02T08:15:00Z"}))]
pub struct LoginAttempt {
    pub id: u64,
    /// The e-mail address as it was typed at sign-in (at most 254 characters), whether or not
    /// an account has it.
    pub email: String,
    /// The address the attempt came from (IPv4 or IPv6; `unknown` if the server could not
    /// tell).
    pub ip_address: String,
    /// When the attempt was made.
    #[serde(rename = "timestamp")]
    pub attempted_at: DateTime<Utc>,
    /// Whether it signed in. Refused attempts include those of a blocked address or account.
    pub success: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How the login history is ordered.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // documentation only: `Order` reads the parameter
enum OrderDoc {
    /// Oldest first (the default).
    #[serde(rename = "id")]
    Id,
    /// Newest first.
    #[serde(rename = "-id")]
    IdDescending,
    /// Refused attempts first, then successful ones; oldest first within each.
    #[serde(rename = "success")]
    Success,
    /// Successful attempts first, then refused ones; newest first within each.
    #[serde(rename = "-success")]
    SuccessDescending,
    /// By the time the attempt was recorded, oldest first.
    #[serde(rename = "created_at")]
    CreatedAt,
    /// By the time the attempt was recorded, newest first.
    #[serde(rename = "-created_at")]
    CreatedAtDescending,
}

/// The login history's filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `LoginHistoryFilter` and `Order`
struct ListQuery {
    /// `true`: only successful sign-ins; `false`: only refused attempts.
    #[param(nullable = false)]
    success: Option<bool>,
    /// The order of the list: by id, by outcome or by time, `-` for descending. Ties are
    /// ordered by id in the same direction.
    #[param(inline, nullable = false)]
    order: Option<OrderDoc>,
}

/// Lists the login attempts.
///
/// Every sign-in attempt, successful or not, including those refused while an address or an
/// account was blocked for too many failures.
///
/// **Who:** staff.
#[utoipa::path(get, path = "/security", tag = "security", params(PageQuery, ListQuery),
    security(("bearer" = [])), responses(
        (status = 200, body = Page<LoginAttempt>),
        (status = 403, response = Forbidden)))]
async fn list_attempts(
    State(state): State<AppState>,
    CallerDb { caller, mut db }: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<LoginAttempt>>> {
    caller.authorize(Action::ListLoginHistory, None)?;
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(&query, &mut errors);
    let filter = LoginHistoryFilter::from_query(&query, &mut errors);
    let order = Order::from_query(&query, &mut errors);
    errors.into_result()?;
    let (data, total) = filter.read(&mut db, &state.counts, order, request).await?;
    Ok(Json(Page::new(request, total, data)))
}

/// Deletes a login attempt from the history.
///
/// **Who:** staff.
#[utoipa::path(delete, path = "/security/{id}", tag = "security",
    params(("id" = u64, Path, minimum = 1, description = "The login attempt's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden)))]
async fn delete_attempt(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    caller.authorize(Action::DeleteLoginHistory, None)?;
    let mut tx = state.db.begin().await?;
    let deleted = sqlx::query!("DELETE FROM login_attempts WHERE id = ?", id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(ApiError::NotFound);
    }
    bump_version(&mut tx, "security").await?;
    tx.commit().await?;
    tracing::info!(login_attempt_id = id, by = caller.user_id, "login attempt deleted");
    Ok(StatusCode::NO_CONTENT)
}
