//! `/api/diagnostics`: the clinic's modalities, the examinations patients are booked for
//! (API.md, "Diagnostics (modalities)").
//!
//! A modality's name is unique as the clinic reads it: the column's case- and accent-insensitive
//! collation and its unique key decide, so "MRI" and " mri " are one modality even when two
//! people add them at the same moment.

mod filters;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::auth::{Bearer, Caller};
use qhealth::db::{is_foreign_key_violation, is_unique_violation};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{JsonBody, PathId, QueryParams};
use qhealth::openapi::{Conflict, Forbidden, IdOrder, PageQuery};
use qhealth::page::{Page, PageRequest, bump_version};
use qhealth::realtime::{self, Change, ChangeKind, Stream};
use qhealth::validate::{Input, RuleResult, rules};
use serde::Serialize;
use serde_json::Value;
use sqlx::MySqlExecutor;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::filters::DiagnosticFilter;

/// The longest modality name the clinic may give.
pub const MAX_MODALITY_CHARS: usize = 100;

const DUPLICATE: &str = "This modality already exists (names are compared ignoring case, \
                         accents and surrounding spaces).";
const HAS_BOOKINGS: &str =
    "Patients are booked for this modality. Delete their bookings before deleting it.";

/// A modality, as every answer shows it (bookings embed it as `diagnostic_service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, ToSchema)]
#[schema(example = json!({"id": 3, "modality": "MRI", "created_at": "2026-11-02T08:00:00Z",
                          "updated_at": "2026-11-02T08:00:00Z"}))]
pub struct Diagnostic {
    pub id: u64,
    pub modality: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(read, rename, remove))
}

/// The body of an added or renamed modality.
#[derive(ToSchema)]
#[schema(example = json!({"modality": "MRI"}))]
#[allow(dead_code)] // documentation only: the handlers read the body field by field
struct ModalityBody {
    /// The name, 1–100 characters once trimmed; unique, compared ignoring case and accents.
    #[schema(min_length = 1, max_length = 100)]
    modality: String,
}

/// The modality list's filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `DiagnosticFilter`
struct ListQuery {
    /// Modalities whose name contains this, ignoring case and accents.
    #[param(nullable = false)]
    modality: Option<String>,
    #[param(inline, nullable = false)]
    order: Option<IdOrder>,
}

/// A modality's name: text, stored trimmed, 1–100 characters.
pub fn modality(value: &Value) -> RuleResult<String> {
    rules::trimmed_text_up_to(MAX_MODALITY_CHARS)(value)
}

/// The `modality` of a request body, required.
fn read_modality(body: &Value) -> ApiResult<String> {
    let input = Input::root(body)?;
    let mut errors = FieldErrors::new();
    match input.required("modality", &mut errors, modality) {
        Some(modality) => Ok(modality),
        None => Err(ApiError::Invalid(errors)),
    }
}

/// One modality, if it exists.
pub async fn find(
    executor: impl MySqlExecutor<'_>,
    id: u64,
) -> Result<Option<Diagnostic>, sqlx::Error> {
    sqlx::query_as!(
        Diagnostic,
        r#"SELECT id, modality, created_at AS "created_at: DateTime<Utc>",
                  updated_at AS "updated_at: DateTime<Utc>"
           FROM diagnostics WHERE id = ?"#,
        id
    )
    .fetch_optional(executor)
    .await
}

/// The answer to a write the unique key refused: the name is taken.
fn duplicate_or(error: sqlx::Error) -> ApiError {
    if is_unique_violation(&error) { ApiError::Conflict(DUPLICATE.into()) } else { error.into() }
}

/// Lists the modalities.
///
/// **Who:** anyone signed in.
#[utoipa::path(get, path = "/diagnostics", tag = "diagnostics", params(PageQuery, ListQuery),
    security(("bearer" = [])), responses((status = 200, body = Page<Diagnostic>)))]
// The hottest list of all, open to every signed-in user whatever their role (the permission
// table says so for every role): one statement reads the page, the collection's version and
// whether the caller's account and session are still valid (`Bearer`); a count runs only
// when the modalities changed since the cached total.
async fn list(
    State(state): State<AppState>,
    bearer: Bearer,
    query: QueryParams,
) -> ApiResult<Json<Page<Diagnostic>>> {
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(&query, &mut errors);
    let filter = DiagnosticFilter::from_query(&query, &mut errors);
    errors.into_result()?;
    let mut db = state.db.acquire().await?;
    let rows = filter.page(&mut db, &bearer, request).await?;
    bearer.confirm(rows.first().map(|versioned| &versioned.row), &mut db).await?;
    // The total is counted on the request's connection too, never a second one.
    let (filter, conn) = (&filter, &mut *db);
    let total = state
        .counts
        .total_for_page("diagnostics", filter.cache_key(), request, &rows, move || {
            filter.count(conn)
        })
        .await?;
    let data = rows.into_iter().map(|versioned| versioned.row.row).collect();
    Ok(Json(Page::new(request, total, data)))
}

/// Reads one modality.
///
/// **Who:** anyone signed in.
#[utoipa::path(get, path = "/diagnostics/{id}", tag = "diagnostics",
    params(("id" = u64, Path, minimum = 1, description = "The modality's id")),
    security(("bearer" = [])), responses((status = 200, body = Diagnostic)))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<Diagnostic>> {
    caller.authorize(Action::ReadDiagnostic, None)?;
    let diagnostic = find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(diagnostic))
}

/// Adds a modality.
///
/// 409 when a modality of that name exists (names are compared trimmed, ignoring case and
/// accents).
///
/// **Who:** staff.
#[utoipa::path(post, path = "/diagnostics", tag = "diagnostics", request_body = ModalityBody,
    security(("bearer" = [])), responses(
        (status = 201, body = Diagnostic),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Diagnostic>)> {
    caller.authorize(Action::ManageDiagnostics, None)?;
    let modality = read_modality(&body)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let id = sqlx::query!(
        "INSERT INTO diagnostics (modality, created_at, updated_at) VALUES (?, ?, ?)",
        modality,
        now,
        now
    )
    .execute(&mut *tx)
    .await
    .map_err(duplicate_or)?
    .last_insert_id();
    bump_version(&mut tx, "diagnostics").await?;
    let diagnostic = find(&mut *tx, id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    tracing::info!(diagnostic_id = id, by = caller.user_id, "modality added");
    publish(&state, ChangeKind::Create, &diagnostic).await;
    Ok((StatusCode::CREATED, Json(diagnostic)))
}

/// Renames a modality.
///
/// 409 when another modality has that name (its own name in another case or spacing is no
/// conflict).
///
/// **Who:** staff.
#[utoipa::path(patch, path = "/diagnostics/{id}", tag = "diagnostics", request_body = ModalityBody,
    params(("id" = u64, Path, minimum = 1, description = "The modality's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Diagnostic),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
async fn rename(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Diagnostic>> {
    caller.authorize(Action::ManageDiagnostics, None)?;
    let modality = read_modality(&body)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let updated = sqlx::query!(
        "UPDATE diagnostics SET modality = ?, updated_at = ? WHERE id = ?",
        modality,
        now,
        id
    )
    .execute(&mut *tx)
    .await
    .map_err(duplicate_or)?;
    if updated.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    // The name is what the list and the bookings' filters search.
    bump_version(&mut tx, "diagnostics").await?;
    let diagnostic = find(&mut *tx, id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    tracing::info!(diagnostic_id = id, by = caller.user_id, "modality renamed");
    publish(&state, ChangeKind::Update, &diagnostic).await;
    Ok(Json(diagnostic))
}

/// Deletes a modality.
///
/// 409 while patients are booked for it.
///
/// **Who:** staff.
#[utoipa::path(delete, path = "/diagnostics/{id}", tag = "diagnostics",
    params(("id" = u64, Path, minimum = 1, description = "The modality's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
// A modality patients are booked for stays: the bookings' foreign key refuses the delete,
// which also covers a booking made while this request runs.
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    caller.authorize(Action::ManageDiagnostics, None)?;
    let mut tx = state.db.begin().await?;
    // As it was, for the subscribers told of its deletion.
    let diagnostic = find(&mut *tx, id).await?.ok_or(ApiError::NotFound)?;
    let deleted =
        match sqlx::query!("DELETE FROM diagnostics WHERE id = ?", id).execute(&mut *tx).await {
            Ok(done) => done,
            Err(error) if is_foreign_key_violation(&error) => {
                return Err(ApiError::Conflict(HAS_BOOKINGS.into()));
            }
            Err(error) => return Err(error.into()),
        };
    if deleted.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    bump_version(&mut tx, "diagnostics").await?;
    tx.commit().await?;
    tracing::info!(diagnostic_id = id, by = caller.user_id, "modality deleted");
    publish(&state, ChangeKind::Delete, &diagnostic).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Tells the live subscribers: every signed-in user may read the modalities, and each sees
/// them alike.
async fn publish(state: &AppState, kind: ChangeKind, diagnostic: &Diagnostic) {
    let change = Change { stream: Stream::Diagnostics, kind, owner: None, people: Vec::new() };
    realtime::publish(state, change, |_| diagnostic).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use qhealth::access::{Reach, Role, reach};
    use serde_json::json;

    /// The list checks no role (see [`list`]): that is right only while every role may read it.
    #[test]
    fn every_role_may_list_the_modalities() {
        for role in Role::ALL {
            assert_eq!(reach(role, Action::ListDiagnostics), Reach::All, "{role:?}");
        }
    }

    #[test]
    fn modalities_are_trimmed_and_bounded() {
        assert_eq!(modality(&json!("  MRI ")).unwrap(), "MRI");
        assert_eq!(modality(&json!("Röntgen, thorax")).unwrap(), "Röntgen, thorax");
        let longest = "é".repeat(MAX_MODALITY_CHARS);
        assert_eq!(modality(&json!(format!(" {longest} "))).unwrap(), longest);
        for bad in [json!(""), json!("   "), json!("x".repeat(101)), json!(5), json!(["MRI"])] {
            assert!(modality(&bad).is_err(), "{bad}");
        }
    }
}
