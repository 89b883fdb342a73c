//! `/api/booking_diagnostic`: patients booked for a modality (API.md, "Diagnostic bookings").
//!
//! A patient may ask for an examination without a time; the clinic (staff, operators) books
//! patients with a time, or gives a time to a request later. The patient is e-mailed each time.
//! A patient has at most one booking per modality: the unique key decides, races included.

/// The columns of a booking and its modality, for [`BookingRow`].
macro_rules! booking_columns {
    () => {
        "b.id, b.user_id, b.booked_by_id, b.date_time, b.created_at, b.updated_at, \
         d.id AS diagnostic_id, d.modality, d.created_at AS diagnostic_created_at, \
         d.updated_at AS diagnostic_updated_at"
    };
}

/// The tables behind [`booking_columns!`], aliased `b` and `d`. `STRAIGHT_JOIN` keeps the
/// bookings as the driving table: left to itself, the optimizer starts from the few modalities
/// and sorts every booking to find a page (a hundred times slower at 5,000 bookings).
macro_rules! booking_tables {
    () => {
        "FROM diagnostic_bookings b STRAIGHT_JOIN diagnostics d ON d.id = b.diagnostic_id"
    };
}

mod filters;

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::auth::{Caller, CallerDb};
use qhealth::clock::clinic_time_text;
use qhealth::db::{is_foreign_key_violation, is_unique_violation};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{JsonBody, PathId, QueryParams};
use qhealth::mail::{self, Notification};
use qhealth::page::{Page, PageRequest, bump_version};
use qhealth::realtime::{self, Change, ChangeKind, Stream};
use qhealth::users::{self, User, UserRow, Viewer};
use qhealth::validate::{Input, rules};
use qhealth_diagnostics::Diagnostic;
use serde::Serialize;
use serde_json::Value;
use sqlx::{MySqlConnection, MySqlExecutor};

use crate::filters::BookingFilter;

const PATIENTS_SET_NO_TIME: &str = "The clinic sets the time of a booking you request.";
const NO_SUCH_MODALITY: &str = "Choose a modality: there is no modality with this id.";
const ALREADY_BOOKED: &str = "This patient already has a booking for this modality.";
const REFERENCE_GONE: &str =
    "The patient or the modality was removed a moment ago. Check the booking and try again.";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/booking_diagnostic", get(list).post(book))
        .route("/booking_diagnostic/{id}", get(read).patch(schedule).delete(remove))
}

/// A booking and its modality, as read from the database; the users it names are read apart,
/// all of a page's in one statement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookingRow {
    pub id: u64,
    pub user_id: u64,
    pub booked_by_id: Option<u64>,
    pub date_time: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub diagnostic_id: u64,
    pub modality: String,
    pub diagnostic_created_at: DateTime<Utc>,
    pub diagnostic_updated_at: DateTime<Utc>,
}

/// A booking as API.md shows it.
#[derive(Debug, Serialize)]
pub struct Booking {
    pub id: u64,
    pub user: User,
    pub diagnostic_service: Diagnostic,
    /// `null` once the account of whoever booked it is deleted.
    pub booked_by: Option<User>,
    /// `null` while a patient's request waits for the clinic to give it a time.
    pub date_time: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl BookingRow {
    /// The users the booking names: its patient, and whoever booked it.
    fn people(&self) -> Vec<u64> {
        [Some(self.user_id), self.booked_by_id].into_iter().flatten().collect()
    }

    /// The booking with its users taken from `users`; `None` if its patient is not there (the
    /// booking and the account were deleted between two statements).
    fn view(
        self,
        users: &HashMap<u64, UserRow>,
        viewer: Viewer,
        today: NaiveDate,
    ) -> Option<Booking> {
        let show = |id: u64| users.get(&id).map(|user| user.clone().view(viewer, today));
        // A patient sees who booked them as a patient sees a doctor: no private details.
        let booker = |id: u64| {
            let user = show(id)?;
            let public = viewer.sees_only_public_details_of(id);
            Some(if public { user.without_private_details() } else { user })
        };
        Some(Booking {
            id: self.id,
            user: show(self.user_id)?,
            diagnostic_service: Diagnostic {
                id: self.diagnostic_id,
                modality: self.modality,
                created_at: self.diagnostic_created_at,
                updated_at: self.diagnostic_updated_at,
            },
            booked_by: self.booked_by_id.and_then(booker),
            date_time: self.date_time,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// A booking with the users it names, as stored, for every viewer: `users` is read in one
/// statement. `None` if there is no such booking.
async fn fetch(
    conn: &mut MySqlConnection,
    id: u64,
) -> ApiResult<Option<(BookingRow, HashMap<u64, UserRow>)>> {
    let Some(row) = find_booking(&mut *conn, id).await? else { return Ok(None) };
    let users = users::find_many(conn, &row.people()).await?;
    Ok(Some((row, users)))
}

/// Tells the live subscribers who may see the booking (the clinic, and its patient).
async fn publish(
    state: &AppState,
    kind: ChangeKind,
    row: &BookingRow,
    users: &HashMap<u64, UserRow>,
) {
    let change = Change {
        stream: Stream::BookingDiagnostic,
        kind,
        owner: Some(row.user_id),
        people: row.people(),
    };
    let today = state.today();
    realtime::publish(state, change, |viewer| row.clone().view(users, viewer, today)).await;
}

/// The bookings with the users they name, read in one statement whatever their number.
async fn embed_users(
    db: impl MySqlExecutor<'_>,
    state: &AppState,
    caller: &Caller,
    rows: Vec<BookingRow>,
) -> ApiResult<Vec<Booking>> {
    let mut ids: Vec<u64> = rows.iter().flat_map(BookingRow::people).collect();
    ids.sort_unstable();
    ids.dedup();
    let users = users::find_many(db, &ids).await?;
    let viewer = Viewer::from(caller);
    let today = state.today();
    Ok(rows.into_iter().filter_map(|row| row.view(&users, viewer, today)).collect())
}

async fn find_booking(
    executor: impl MySqlExecutor<'_>,
    id: u64,
) -> Result<Option<BookingRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        booking_columns!(),
        " ",
        booking_tables!(),
        " WHERE b.id = ?"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await
}

/// The booking `id`, locked until the transaction ends: read this before changing it.
async fn lock_booking(
    conn: &mut MySqlConnection,
    id: u64,
) -> Result<Option<BookingRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        booking_columns!(),
        " ",
        booking_tables!(),
        " WHERE b.id = ? FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The booking `id` as `caller` may see it: 404 if unknown or another patient's.
async fn load(state: &AppState, caller: &Caller, id: u64) -> ApiResult<Booking> {
    let row = find_booking(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    caller.authorize(Action::ReadDiagnosticBooking, Some(row.user_id))?;
    embed_users(&state.db, state, caller, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}

/// After a change to booking `id` has committed: tells the live subscribers, and answers the
/// booking as `caller` sees it.
async fn announce(
    state: &AppState,
    caller: &Caller,
    kind: ChangeKind,
    id: u64,
) -> ApiResult<Booking> {
    let mut db = state.db.acquire().await?;
    let (row, users) = fetch(&mut db, id).await?.ok_or(ApiError::NotFound)?;
    drop(db);
    publish(state, kind, &row, &users).await;
    row.view(&users, Viewer::from(caller), state.today()).ok_or(ApiError::NotFound)
}

/// Everyone's bookings for the clinic, a patient's own for a patient; pharmacists none.
async fn list(
    State(state): State<AppState>,
    CallerDb { caller, mut db }: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<Booking>>> {
    let scope = caller.list_scope(Action::ListDiagnosticBookings)?;
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(&query, &mut errors);
    let filter = BookingFilter::from_query(&query, scope, &mut errors);
    errors.into_result()?;
    let rows = filter.page(&mut db, request).await?;
    // The total is counted on the request's connection too, never a second one.
    let (filter, conn) = (&filter, &mut *db);
    let total = state
        .counts
        .total_for_page("booking_diagnostic", filter.cache_key(), request, &rows, move || {
            filter.count(conn)
        })
        .await?;
    let rows = rows.into_iter().map(|versioned| versioned.row).collect();
    let data = embed_users(&mut *db, &state, &caller, rows).await?;
    Ok(Json(Page::new(request, total, data)))
}

async fn read(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<Booking>> {
    caller.authorize_any(Action::ReadDiagnosticBooking)?;
    Ok(Json(load(&state, &caller, id).await?))
}

/// What a booking request asks for, once read and checked field by field.
struct NewBooking {
    patient_id: u64,
    diagnostic_id: u64,
    /// Always given by the clinic; never by a patient.
    date_time: Option<DateTime<Utc>>,
}

impl NewBooking {
    /// `own` is the caller's id when they book for themself (a patient), `None` when they book
    /// for a patient of their choosing (staff, operators).
    fn read(body: &Value, own: Option<u64>, state: &AppState) -> ApiResult<Self> {
        let input = Input::root(body)?;
        let mut errors = FieldErrors::new();
        let diagnostic_id = input.required("diagnostics_id", &mut errors, rules::id);
        let (patient_id, date_time) = match own {
            Some(patient_id) => {
                // `user_id` is not read at all: a patient books for themself.
                input.nullable("date_time", &mut errors, |_| {
                    Err::<(), _>(PATIENTS_SET_NO_TIME.into())
                });
                (Some(patient_id), None)
            }
            None => {
                let (tz, now) = (state.config.clinic_tz, state.now());
                let patient_id = input.required("user_id", &mut errors, rules::id);
                let date_time = input.required("date_time", &mut errors, |value| {
                    rules::future_date_time(value, tz, now)
                });
                (patient_id, date_time)
            }
        };
        match (patient_id, diagnostic_id) {
            (Some(patient_id), Some(diagnostic_id)) if errors.is_empty() => {
                Ok(Self { patient_id, diagnostic_id, date_time })
            }
            _ => Err(ApiError::Invalid(errors)),
        }
    }
}

/// The e-mail that tells the patient about their booking: with its time when the clinic set
/// one, as a received request otherwise.
fn booking_notice(
    state: &AppState,
    patient: &UserRow,
    modality: String,
    date_time: Option<DateTime<Utc>>,
) -> Notification {
    let name = patient.name.clone();
    match date_time {
        Some(moment) => Notification::DiagnosticBookedByStaff {
            name,
            modality,
            when: clinic_time_text(moment, state.config.clinic_tz),
        },
        None => Notification::DiagnosticBookedByPatient { name, modality },
    }
}

/// What a refused booking insert means: a duplicate (409), or a patient or modality deleted
/// since they were read.
fn refused_insert(error: sqlx::Error) -> ApiError {
    if is_unique_violation(&error) {
        ApiError::Conflict(ALREADY_BOOKED.into())
    } else if is_foreign_key_violation(&error) {
        ApiError::Conflict(REFERENCE_GONE.into())
    } else {
        error.into()
    }
}

async fn book(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Booking>)> {
    let own = caller.list_scope(Action::BookDiagnostic)?;
    let new = NewBooking::read(&body, own, &state)?;
    let now = state.now();

    let mut tx = state.db.begin().await?;
    let patient = users::find_patient(&mut *tx, new.patient_id, "user_id").await?;
    let diagnostic = qhealth_diagnostics::find(&mut *tx, new.diagnostic_id)
        .await?
        .ok_or_else(|| ApiError::field("diagnostics_id", NO_SUCH_MODALITY))?;
    let id = sqlx::query!(
        "INSERT INTO diagnostic_bookings
           (user_id, diagnostic_id, booked_by_id, date_time, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        patient.id,
        diagnostic.id,
        caller.user_id,
        new.date_time,
        now,
        now
    )
    .execute(&mut *tx)
    .await
    .map_err(refused_insert)?
    .last_insert_id();
    bump_version(&mut tx, "booking_diagnostic").await?;
    let notice = booking_notice(&state, &patient, diagnostic.modality, new.date_time);
    let queued = mail::queue(&mut tx, &state, &patient.email, notice).await?;
    tx.commit().await?;
    tracing::info!(booking_id = id, user_id = patient.id, by = caller.user_id, "diagnostic booked");
    mail::deliver(&state, [queued]).await;
    let booking = announce(&state, &caller, ChangeKind::Create, id).await?;
    Ok((StatusCode::CREATED, Json(booking)))
}

/// Sets or moves the time of a booking, typically a patient's request that had none. The
/// booking keeps `booked_by` (who made it); `updated_at` records the change.
async fn schedule(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Booking>> {
    caller.authorize_any(Action::ReadDiagnosticBooking)?;
    let (tz, now) = (state.config.clinic_tz, state.now());
    let mut tx = state.db.begin().await?;
    let booking = lock_booking(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    caller.authorize(Action::ScheduleDiagnosticBooking, Some(booking.user_id))?;
    let input = Input::root(&body)?;
    let mut errors = FieldErrors::new();
    let date_time =
        input.required("date_time", &mut errors, |value| rules::future_date_time(value, tz, now));
    let Some(date_time) = date_time else {
        return Err(ApiError::Invalid(errors));
    };
    sqlx::query!(
        "UPDATE diagnostic_bookings SET date_time = ?, updated_at = ? WHERE id = ?",
        date_time,
        now,
        id
    )
    .execute(&mut *tx)
    .await?;
    let patient = users::find(&mut *tx, booking.user_id).await?.ok_or(ApiError::NotFound)?;
    let notice = booking_notice(&state, &patient, booking.modality, Some(date_time));
    let queued = mail::queue(&mut tx, &state, &patient.email, notice).await?;
    tx.commit().await?;
    tracing::info!(booking_id = id, by = caller.user_id, "diagnostic booking scheduled");
    mail::deliver(&state, [queued]).await;
    Ok(Json(announce(&state, &caller, ChangeKind::Update, id).await?))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    caller.authorize_any(Action::ReadDiagnosticBooking)?;
    let mut tx = state.db.begin().await?;
    let booking = lock_booking(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    caller.authorize(Action::DeleteDiagnosticBooking, Some(booking.user_id))?;
    // Its users as they were, for the subscribers told of its deletion.
    let users = users::find_many(&mut *tx, &booking.people()).await?;
    sqlx::query!("DELETE FROM diagnostic_bookings WHERE id = ?", id).execute(&mut *tx).await?;
    bump_version(&mut tx, "booking_diagnostic").await?;
    tx.commit().await?;
    tracing::info!(booking_id = id, by = caller.user_id, "diagnostic booking deleted");
    publish(&state, ChangeKind::Delete, &booking, &users).await;
    Ok(StatusCode::NO_CONTENT)
}
