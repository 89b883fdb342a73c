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

/// The tables behind [`booking_columns!`], aliased `b` and `d`, for reading one booking (lists
/// choose their pages' ids first: see `filters`).
macro_rules! booking_tables {
    () => {
        "FROM diagnostic_bookings b STRAIGHT_JOIN diagnostics d ON d.id = b.diagnostic_id"
    };
}

mod filters;

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::audit::{AuditAction, AuditRecord, Event, Reader};
use qhealth::auth::{Caller, CallerDb};
use qhealth::clock::clinic_time_text;
use qhealth::db::{is_foreign_key_violation, is_unique_violation};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{ClientIp, JsonBody, PathId, QueryParams};
use qhealth::mail::{self, Notification};
use qhealth::openapi::{AppointmentOrder, Conflict, Forbidden, PageQuery};
use qhealth::page::{Page, PageRequest, bump_version};
use qhealth::realtime::{self, Change, ChangeKind, Stream};
use qhealth::users::{self, User, UserRow, Viewer};
use qhealth::validate::{Input, rules};
use qhealth_diagnostics::Diagnostic;
use serde::Serialize;
use serde_json::Value;
use sqlx::{MySqlConnection, MySqlExecutor};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::filters::BookingFilter;

const PATIENTS_SET_NO_TIME: &str = "The clinic sets the time of a booking you request.";
const NO_SUCH_MODALITY: &str = "Choose a modality: there is no modality with this id.";
const ALREADY_BOOKED: &str = "This patient already has a booking for this modality.";
const REFERENCE_GONE: &str =
    "The patient or the modality was removed a moment ago. Check the booking and try again.";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, book)).routes(routes!(read, schedule, remove))
}

/// The body of a new booking.
#[derive(ToSchema)]
#[schema(as = NewDiagnosticBooking,
    example = json!({"user_id": 7, "diagnostics_id": 3, "date_time": "2027-03-01T09:00"}))]
#[allow(dead_code)] // documentation only: `NewBooking::read` reads the body field by field
struct NewBookingBody {
    /// The patient's user id: required when staff or an operator books, and it must be a
    /// patient's (400 otherwise). Ignored when a patient books: a patient always books for
    /// themself.
    #[schema(minimum = 1, nullable = false)]
    user_id: Option<u64>,
    /// The modality's id (`diagnostic_service.id` in the answer); 400 if there is no such
    /// modality.
    #[schema(minimum = 1)]
    diagnostics_id: u64,
    /// When the examination takes place: required when staff or an operator books, and in the
    /// future. A patient leaves it out (or sends `null`): the clinic sets the time later; a
    /// patient who sends a time gets a 400.
    ///
    /// RFC 3339 with `Z` or an offset (`2027-03-01T09:00:00+01:00`), or a local date and time
    /// without offset, seconds optional (`2027-03-01T09:00`), read in the clinic's time zone
    /// (`Europe/Stockholm` unless the clinic says otherwise); a local time the clocks skip is
    /// refused. Answers show it in UTC with `Z`.
    #[schema(example = "2027-03-01T09:00")]
    date_time: Option<String>,
}

/// The body that sets or moves a booking's time.
#[derive(ToSchema)]
#[schema(as = DiagnosticBookingTime, example = json!({"date_time": "2027-03-01T09:00"}))]
#[allow(dead_code)] // documentation only: `schedule` reads the body field by field
struct ScheduleBody {
    /// The new time, in the future: RFC 3339 with `Z` or an offset
    /// (`2027-03-01T09:00:00+01:00`), or a local date and time without offset, seconds optional
    /// (`2027-03-01T09:00`), read in the clinic's time zone (`Europe/Stockholm` unless the
    /// clinic says otherwise); a local time the clocks skip is refused. Answers show it in UTC
    /// with `Z`.
    #[schema(example = "2027-03-01T09:00")]
    date_time: String,
}

/// The booking list's filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `BookingFilter`
struct ListQuery {
    /// Bookings for a modality whose name contains this, ignoring case and accents.
    #[param(nullable = false)]
    diagnostic_service: Option<String>,
    /// Bookings of patients whose name contains this, ignoring case and accents.
    #[param(nullable = false)]
    patient_name: Option<String>,
    /// Bookings of patients whose surname contains this, ignoring case and accents.
    #[param(nullable = false)]
    patient_surname: Option<String>,
    /// Bookings on this clinic date or later (YYYY-MM-DD): from its midnight in the clinic's
    /// time zone (`Europe/Stockholm` unless the clinic says otherwise). Bookings without a
    /// time are in no date range.
    #[param(nullable = false, example = "2027-03-01")]
    date_from: Option<NaiveDate>,
    /// Bookings on this clinic date or earlier (YYYY-MM-DD): until the next midnight in the
    /// clinic's time zone. Not before `date_from` (400).
    #[param(nullable = false, example = "2027-03-01")]
    date_to: Option<NaiveDate>,
    /// `id` (oldest first, the default), `-id` (newest first), `date_time` (the earliest
    /// first, bookings without a time last) or `-date_time` (bookings without a time first,
    /// then the latest); ties by id in the same direction.
    #[param(inline, nullable = false)]
    order: Option<AppointmentOrder>,
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

/// A patient's booking for a diagnostic examination.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DiagnosticBooking, example = json!({
    "id": 12,
    "user": qhealth::users::example_patient(),
    "diagnostic_service": {"id": 3, "modality": "MRI", "created_at": "2026-11-02T08:00:00Z",
                           "updated_at": "2026-11-02T08:00:00Z"},
    "booked_by": {
        "id": 4, "email": "anna@example.com", "is_active": true, "is_staff": false,
        "is_superuser": false, "last_login": "2026-11-20T08:00:00Z",
        "created_at": "2025-10-01T08:00:00Z", "updated_at": "2026-11-20T08:00:00Z",
        "profile": {"id": 4, "name": "Anna", "surname": "Berg", "phone_number": null,
                    "date_of_birth": null, "age": null, "height": null, "weight": null,
                    "street": null, "house": null, "city": null, "region": null,
                    "country": null, "gender": "Female",
                    "created_at": "2025-10-01T08:00:00Z", "updated_at": "2025-10-01T08:00:00Z"}
    },
    "date_time": "2027-03-01T08:00:00Z",
    "created_at": "2026-11-20T09:15:00Z",
    "updated_at": "2026-11-20T09:15:00Z"
}))]
pub struct Booking {
    pub id: u64,
    /// The patient.
    pub user: User,
    /// The modality the patient is booked for.
    pub diagnostic_service: Diagnostic,
    /// Who made the booking: the patient themself, or a member of the clinic's staff (a
    /// patient sees a staff member's name, surname, gender and e-mail only). `null` once the
    /// account of whoever booked it is deleted.
    #[schema(required = true)]
    pub booked_by: Option<User>,
    /// When the examination takes place, in UTC; `null` while a patient's request waits for
    /// the clinic to give it a time.
    #[schema(required = true)]
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

/// Lists diagnostic bookings.
///
/// The clinic sees every booking; a patient sees only their own. Bookings a patient requested
/// without a time have `date_time` `null` until the clinic sets one.
///
/// **Who:** staff, doctors and operators (all bookings); a patient (their own only).
/// Pharmacists are refused (403).
#[utoipa::path(get, path = "/booking_diagnostic", tag = "booking_diagnostic",
    params(PageQuery, ListQuery), security(("bearer" = [])), responses(
        (status = 200, body = Page<Booking>),
        (status = 403, response = Forbidden)))]
async fn list(
    State(state): State<AppState>,
    CallerDb { caller, mut db }: CallerDb,
    ip: ClientIp,
    query: QueryParams,
) -> ApiResult<Json<Page<Booking>>> {
    let scope = caller.list_scope(Action::ListDiagnosticBookings)?;
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(&query, &mut errors);
    let filter = BookingFilter::from_query(&query, scope, state.config.clinic_tz, &mut errors);
    errors.into_result()?;
    let (rows, total) = filter.read(&mut db, &state.counts, request).await?;
    let patients: Vec<u64> = rows.iter().map(|row| row.user_id).collect();
    let event = Event::list(AuditRecord::DiagnosticBooking, &patients);
    Reader::new(&state, &caller, ip).record(&mut *db, event).await?;
    let data = embed_users(&mut *db, &state, &caller, rows).await?;
    Ok(Json(Page::new(request, total, data)))
}

/// Reads one diagnostic booking.
///
/// A patient asking for another patient's booking gets 404, as for an unknown id.
///
/// **Who:** staff, doctors and operators (any booking); a patient (their own only).
/// Pharmacists are refused (403), whatever the id.
#[utoipa::path(get, path = "/booking_diagnostic/{id}", tag = "booking_diagnostic",
    params(("id" = u64, Path, minimum = 1, description = "The booking's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Booking),
        (status = 403, response = Forbidden)))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<Json<Booking>> {
    caller.authorize_any(Action::ReadDiagnosticBooking)?;
    let booking = load(&state, &caller, id).await?;
    let event = Event::one(AuditAction::Read, AuditRecord::DiagnosticBooking, id, booking.user.id);
    Reader::new(&state, &caller, ip).record(&state.db, event).await?;
    Ok(Json(booking))
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

/// The e-mail that tells the patient about their booking `id`: with its time (and calendar
/// event) when the clinic set one, as a received request otherwise.
fn booking_notice(
    state: &AppState,
    id: u64,
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
            booking_id: id,
            starts_at: moment,
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

/// Books a patient for a diagnostic examination.
///
/// Staff and operators book a patient (`user_id`) at a time in the future (`date_time`); the
/// patient is e-mailed the modality with its date and time. A patient books for themself,
/// without a time (`user_id` is ignored, a `date_time` is refused with a 400): the clinic sets
/// the time later (`PATCH /booking_diagnostic/{id}`), and the patient is e-mailed that the
/// request was received. `booked_by` is the caller.
///
/// 400 when `user_id` is not a patient or `diagnostics_id` names no modality (the field is
/// named in `errors`). 409 when the patient already has a booking for that modality, or when
/// the patient or the modality was removed while the booking was being made.
///
/// **Who:** staff and operators, for a patient, with a time; a patient, for themself, without
/// a time. Doctors and pharmacists are refused (403).
#[utoipa::path(post, path = "/booking_diagnostic", tag = "booking_diagnostic",
    request_body = NewBookingBody, security(("bearer" = [])), responses(
        (status = 201, body = Booking),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
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
        // Naive (UTC): sqlx sends a `DateTime<Utc>` as a TIMESTAMP, which ends in 2038.
        new.date_time.map(|moment| moment.naive_utc()),
        now,
        now
    )
    .execute(&mut *tx)
    .await
    .map_err(refused_insert)?
    .last_insert_id();
    bump_version(&mut tx, "booking_diagnostic").await?;
    let notice = booking_notice(&state, id, &patient, diagnostic.modality, new.date_time);
    let queued = mail::queue(&mut tx, &state, &patient.email, notice).await?;
    tx.commit().await?;
    tracing::info!(booking_id = id, user_id = patient.id, by = caller.user_id, "diagnostic booked");
    mail::deliver(&state, [queued]).await;
    let booking = announce(&state, &caller, ChangeKind::Create, id).await?;
    Ok((StatusCode::CREATED, Json(booking)))
}

/// Sets or moves the time of a diagnostic booking.
///
/// Typically gives a time to a patient's request that had none; a booking that has a time can
/// be moved. The time must be in the future. The booking keeps `booked_by` (who made it);
/// `updated_at` records the change. The patient is e-mailed the modality with its new date and
/// time.
///
/// **Who:** staff and operators. Doctors, pharmacists and patients are refused (403).
#[utoipa::path(patch, path = "/booking_diagnostic/{id}", tag = "booking_diagnostic",
    request_body = ScheduleBody, params(("id" = u64, Path, minimum = 1, description = "The booking's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Booking),
        (status = 403, response = Forbidden)))]
async fn schedule(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Booking>> {
    caller.authorize_any(Action::ScheduleDiagnosticBooking)?;
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
        // Naive (UTC): sqlx sends a `DateTime<Utc>` as a TIMESTAMP, which ends in 2038.
        date_time.naive_utc(),
        now,
        id
    )
    .execute(&mut *tx)
    .await?;
    // The lists by date count it on its new day.
    bump_version(&mut tx, "booking_diagnostic").await?;
    let patient = users::find(&mut *tx, booking.user_id).await?.ok_or(ApiError::NotFound)?;
    let notice = booking_notice(&state, id, &patient, booking.modality, Some(date_time));
    let queued = mail::queue(&mut tx, &state, &patient.email, notice).await?;
    tx.commit().await?;
    tracing::info!(booking_id = id, by = caller.user_id, "diagnostic booking scheduled");
    mail::deliver(&state, [queued]).await;
    Ok(Json(announce(&state, &caller, ChangeKind::Update, id).await?))
}

/// Deletes a diagnostic booking.
///
/// **Who:** staff and operators. Doctors, pharmacists and patients are refused (403).
#[utoipa::path(delete, path = "/booking_diagnostic/{id}", tag = "booking_diagnostic",
    params(("id" = u64, Path, minimum = 1, description = "The booking's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden)))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    caller.authorize_any(Action::DeleteDiagnosticBooking)?;
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
