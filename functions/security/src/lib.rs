//! `/api/security`: the login history staff review (API.md, "Login history"). Every login
//! attempt, successful or not, is written by `/api/auth`; here it is listed and pruned.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::auth::{Caller, CallerDb};
use qhealth::collection_version;
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{PathId, QueryParams};
use qhealth::openapi::{Forbidden, PageQuery};
use qhealth::page::{Page, PageRequest, Versioned, bump_version, filters, sql};
use serde::Serialize;
use sqlx::{MySql, MySqlConnection, QueryBuilder};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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

/// The orders the list accepts. Ties are broken by id in the same direction, so pages are
/// stable and each order is a walk along one index (`success` and `created_at` are indexed;
/// InnoDB keeps the id in every index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Id,
    IdDescending,
    Success,
    SuccessDescending,
    CreatedAt,
    CreatedAtDescending,
}

impl Order {
    const NAMES: [&'static str; 6] =
        ["id", "-id", "success", "-success", "created_at", "-created_at"];

    fn from_query(query: &QueryParams, errors: &mut FieldErrors) -> Self {
        match filters::one_of(query, "order", &Self::NAMES, errors) {
            Some("-id") => Self::IdDescending,
            Some("success") => Self::Success,
            Some("-success") => Self::SuccessDescending,
            Some("created_at") => Self::CreatedAt,
            Some("-created_at") => Self::CreatedAtDescending,
            _ => Self::Id,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Self::Id => " ORDER BY id",
            Self::IdDescending => " ORDER BY id DESC",
            Self::Success => " ORDER BY success, id",
            Self::SuccessDescending => " ORDER BY success DESC, id DESC",
            Self::CreatedAt => " ORDER BY created_at, id",
            Self::CreatedAtDescending => " ORDER BY created_at DESC, id DESC",
        }
    }
}

/// The list's one filter: `success`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LoginHistoryFilter {
    success: Option<bool>,
}

impl LoginHistoryFilter {
    fn from_query(query: &QueryParams, errors: &mut FieldErrors) -> Self {
        Self { success: filters::boolean(query, "success", errors) }
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    fn cache_key(&self) -> String {
        format!("{self:?}")
    }

    fn push_conditions(&self, query: &mut QueryBuilder<MySql>) {
        if let Some(success) = self.success {
            query.push(" WHERE success = ").push_bind(success);
        }
    }

    async fn count(&self, db: &mut MySqlConnection) -> Result<u64, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT COUNT(*) FROM login_attempts");
        self.push_conditions(&mut query);
        sql::count(&mut query, db).await
    }

    async fn page(
        &self,
        db: &mut MySqlConnection,
        order: Order,
        request: PageRequest,
    ) -> Result<Vec<Versioned<LoginAttempt>>, sqlx::Error> {
        let mut query = QueryBuilder::new(concat!(
            "SELECT id, email, ip_address, attempted_at, success, created_at, updated_at, ",
            collection_version!("security"),
            " FROM login_attempts"
        ));
        self.push_conditions(&mut query);
        query.push(order.sql());
        sql::push_page(&mut query, request);
        query.build_query_as().fetch_all(db).await
    }
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
    let rows = filter.page(&mut db, order, request).await?;
    // The total is counted on the request's connection too, never a second one.
    let (filter, conn) = (&filter, &mut *db);
    let total = state
        .counts
        .total_for_page("security", filter.cache_key(), request, &rows, move || filter.count(conn))
        .await?;
    let data = rows.into_iter().map(|versioned| versioned.row).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<(LoginHistoryFilter, Order), FieldErrors> {
        let query = QueryParams::parse(query);
        let mut errors = FieldErrors::new();
        let parsed = (
            LoginHistoryFilter::from_query(&query, &mut errors),
            Order::from_query(&query, &mut errors),
        );
        if errors.is_empty() { Ok(parsed) } else { Err(errors) }
    }

    #[test]
    fn every_listed_order_is_accepted_and_ends_on_the_id() {
        for name in Order::NAMES {
            let (_, order) = parse(&format!("order={name}")).unwrap();
            assert!(order.sql().ends_with("id") || order.sql().ends_with("id DESC"), "{name}");
        }
        assert_eq!(parse("").unwrap().1, Order::Id);
        assert_eq!(parse("order=-success").unwrap().1, Order::SuccessDescending);
    }

    #[test]
    fn malformed_values_name_their_parameter() {
        for (query, name) in [
            ("order=timestamp", "order"),
            ("order=email", "order"),
            ("success=maybe", "success"),
            ("success=yes", "success"),
        ] {
            assert!(parse(query).unwrap_err().get(name).is_some(), "{query}");
        }
        assert_eq!(parse("success=false").unwrap().0.success, Some(false));
    }

    #[test]
    fn the_filter_is_bound_not_written_into_the_sql() {
        let (filter, _) = parse("success=true").unwrap();
        let mut query = QueryBuilder::<MySql>::new("SELECT 1 FROM login_attempts");
        filter.push_conditions(&mut query);
        assert_eq!(query.sql().as_str(), "SELECT 1 FROM login_attempts WHERE success = ?");
        assert_ne!(filter.cache_key(), parse("success=false").unwrap().0.cache_key());
    }
}
