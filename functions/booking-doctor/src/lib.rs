//! `/api/booking_doctor`: doctor visits (API.md, "Doctor visits").
//!
//! Bookings with one doctor are serialized by locking that doctor's roles row first, and
//! bookings of one patient by locking the patient's users row next (always in that order, so
//! two bookings cannot wait on each other): the overlap checks before an insert stay true until
//! it commits. The unique key on (doctor, time, booked) still decides any race the locks do not
//! cover. Working hours and free slots: [`hours`], [`slots`], [`schedule`].

mod filters;
mod hours;
mod schedule;
mod slots;
mod summary;
mod visit;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
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
use qhealth::users::{self, Viewer};
use qhealth::validate::{Input, rules};
use sqlx::MySqlConnection;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::filters::VisitFilter;
use crate::schedule::Interval;
use crate::visit::{CANCELLED, Visit, VisitRow, VisitStatus};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_visits, book_visit))
        .routes(routes!(get_visit, delete_visit))
        .routes(routes!(cancel_visit))
        .routes(routes!(summary::visit_pdf))
        .routes(routes!(slots::free_slots))
        .routes(routes!(hours::get_hours, hours::set_hours))
        .routes(routes!(hours::add_exception))
        .routes(routes!(hours::delete_exception))
}

/// The longest visit: bounds every search for visits that overlap a time.
pub(crate) const MAX_VISIT_MINUTES: u16 = 240;

/// The body of a new doctor visit.
#[derive(ToSchema)]
#[schema(as = NewDoctorVisit,
    example = json!({"user_id": 7, "doctor_id": 5, "date_time": "2027-03-01T09:00"}))]
#[allow(dead_code)] // documentation only: `Booking::read` reads the body field by field
struct NewVisitBody {
    /// The patient's user id; 400 if it is not a patient's.
    #[schema(minimum = 1)]
    user_id: u64,
    /// The doctor's user id (`doctor.id` in the answer), not their staff role's id; 400 unless
    /// it is a doctor whose account is active and who is available for booking, and not the
    /// patient.
    #[schema(minimum = 1)]
    doctor_id: u64,
    /// When the visit takes place, in the future.
    ///
    /// RFC 3339 with `Z` or an offset (`2027-03-01T09:00:00+01:00`), or a local date and time
    /// without offset, seconds optional (`2027-03-01T09:00`), read in the clinic's time zone
    /// (`Europe/Stockholm` unless the clinic says otherwise); a local time the clocks skip is
    /// refused. Answers show it in UTC with `Z`.
    #[schema(example = "2027-03-01T09:00")]
    date_time: String,
    /// How long the visit lasts, 5–240 minutes; left out, the doctor's usual length
    /// (`visit_minutes` of their working hours, 30 unless set).
    #[schema(minimum = 5, maximum = 240)]
    duration_minutes: Option<u16>,
}

/// The visit list's filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `VisitFilter`
struct ListQuery {
    /// Visits to doctors whose specialty contains this, ignoring case and accents.
    #[param(nullable = false)]
    specialty: Option<String>,
    /// Visits to doctors whose name contains this, ignoring case and accents.
    #[param(nullable = false)]
    doctor_name: Option<String>,
    /// Visits to doctors whose surname contains this, ignoring case and accents.
    #[param(nullable = false)]
    doctor_surname: Option<String>,
    /// Visits of patients whose name contains this, ignoring case and accents.
    #[param(nullable = false)]
    patient_name: Option<String>,
    /// Visits of patients whose surname contains this, ignoring case and accents.
    #[param(nullable = false)]
    patient_surname: Option<String>,
    /// Only visits with exactly this status.
    #[param(inline, nullable = false)]
    status: Option<VisitStatus>,
    /// Only this doctor's visits: the doctor's user id (`doctor.id` in the answer).
    #[param(minimum = 1, nullable = false)]
    doctor_id: Option<u64>,
    /// Visits on this clinic date or later (YYYY-MM-DD): from its midnight in the clinic's time
    /// zone (`Europe/Stockholm` unless the clinic says otherwise).
    #[param(nullable = false, example = "2027-03-01")]
    date_from: Option<chrono::NaiveDate>,
    /// Visits on this clinic date or earlier (YYYY-MM-DD): until the next midnight in the
    /// clinic's time zone. Not before `date_from` (400). With `date_from` the same day and
    /// `doctor_id`, in `date_time` order: a doctor's day.
    #[param(nullable = false, example = "2027-03-01")]
    date_to: Option<chrono::NaiveDate>,
    /// `id` (oldest first, the default), `-id` (newest first), `date_time` (the earliest visit
    /// first) or `-date_time` (the latest first); ties by id in the same direction.
    #[param(inline, nullable = false)]
    order: Option<AppointmentOrder>,
}

/// How long before a visit a patient may still cancel it online; later, they call the clinic.
const PATIENT_CANCELLATION_NOTICE: Duration = Duration::hours(24);

const SLOT_TAKEN: &str =
    "This doctor already has a visit booked at this time. Choose another time.";
const PATIENT_BUSY: &str =
    "This patient already has a visit booked at this time. Choose another time.";
const ALREADY_BOOKED_WITH_DOCTOR: &str = "This patient already has a booked visit with this \
     doctor. Cancel it, or book another one after it has taken place.";

/// Lists doctor visits.
///
/// The clinic sees every visit, booked and cancelled; a patient sees only their own.
///
/// **Who:** staff, doctors and operators (all visits); a patient (their own only). Pharmacists
/// are refused (403).
#[utoipa::path(get, path = "/booking_doctor", tag = "booking_doctor",
    params(PageQuery, ListQuery), security(("bearer" = [])), responses(
        (status = 200, body = Page<Visit>),
        (status = 403, response = Forbidden)))]
// The page's ids, then one statement for the visits with their patients and doctors; the total
// comes from the counts the schema keeps (see `qhealth::lists`).
async fn list_visits(
    State(state): State<AppState>,
    CallerDb { caller, mut db }: CallerDb,
    ip: ClientIp,
    query: QueryParams,
) -> ApiResult<Json<Page<Visit>>> {
    let scope = caller.list_scope(Action::ListDoctorVisits)?;
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(&query, &mut errors);
    let filter = VisitFilter::from_query(&query, scope, state.config.clinic_tz, &mut errors);
    errors.into_result()?;
    let (rows, total) = filter.read(&mut db, &state.counts, request).await?;
    let patients: Vec<u64> = rows.iter().map(VisitRow::patient_id).collect();
    let event = Event::list(AuditRecord::DoctorVisit, &patients);
    Reader::new(&state, &caller, ip).record(&mut *db, event).await?;
    let (viewer, today) = (Viewer::from(&caller), state.today());
    let data = rows.into_iter().map(|row| row.view(viewer, today)).collect();
    Ok(Json(Page::new(request, total, data)))
}

/// Reads one doctor visit.
///
/// A patient asking for another patient's visit gets 404, as for an unknown id.
///
/// **Who:** staff, doctors and operators (any visit); a patient (their own only). Pharmacists
/// are refused (403), whatever the id.
#[utoipa::path(get, path = "/booking_doctor/{id}", tag = "booking_doctor",
    params(("id" = u64, Path, minimum = 1, description = "The visit's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Visit),
        (status = 403, response = Forbidden)))]
async fn get_visit(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<Json<Visit>> {
    caller.authorize_any(Action::ReadDoctorVisit)?;
    let row = visit::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    caller.authorize(Action::ReadDoctorVisit, Some(row.patient_id()))?;
    let event = Event::one(AuditAction::Read, AuditRecord::DoctorVisit, id, row.patient_id());
    Reader::new(&state, &caller, ip).record(&state.db, event).await?;
    Ok(Json(row.view(Viewer::from(&caller), state.today())))
}

/// The doctor named by `doctor_id`, as a booking needs them.
#[derive(Debug, Clone)]
pub(crate) struct BookableDoctor {
    role: String,
    specialty: Option<String>,
    is_available_for_booking: bool,
    is_active: bool,
    name: String,
    surname: String,
    /// Their usual visit length: a new visit's default.
    visit_minutes: u16,
}

impl BookableDoctor {
    fn is_bookable(&self) -> bool {
        self.role == "doctor" && self.is_active && self.is_available_for_booking
    }

    /// The doctor, if they can be booked; otherwise why not (400 on `doctor_id`).
    fn bookable(doctor: Option<Self>) -> Result<Self, &'static str> {
        match doctor {
            Some(d) if d.role == "doctor" && !d.is_active => {
                Err("This doctor's account is not active. Choose another doctor.")
            }
            Some(d) if d.role == "doctor" && !d.is_available_for_booking => {
                Err("This doctor is not available for booking. Choose another doctor.")
            }
            Some(d) if d.role == "doctor" => Ok(d),
            _ => Err("Choose a doctor: there is no doctor with this id."),
        }
    }
}

/// Reads the staff member `doctor_id` and locks their roles row (with their account and
/// profile rows) until the transaction ends: bookings with one doctor then happen one at a
/// time, and the doctor cannot be blocked or made unavailable halfway through one.
pub(crate) async fn lock_doctor(
    conn: &mut MySqlConnection,
    doctor_id: u64,
) -> ApiResult<Option<BookableDoctor>> {
    let doctor = sqlx::query_as!(
        BookableDoctor,
        r#"SELECT r.role, r.specialty,
                  r.is_available_for_booking AS "is_available_for_booking: bool",
                  u.is_active AS "is_active: bool", p.name, p.surname, r.visit_minutes
           FROM roles r
           JOIN users u ON u.id = r.user_id
           JOIN profiles p ON p.user_id = r.user_id
           WHERE r.user_id = ?
           FOR UPDATE"#,
        doctor_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(doctor)
}

/// What a valid booking request asks for.
struct Booking {
    user_id: u64,
    doctor_id: u64,
    date_time: DateTime<Utc>,
    /// `None`: the doctor's usual length.
    duration_minutes: Option<u16>,
}

impl Booking {
    fn read(body: &serde_json::Value, state: &AppState) -> ApiResult<Self> {
        let input = Input::root(body)?;
        let mut errors = FieldErrors::new();
        let user_id = input.required("user_id", &mut errors, rules::id);
        let doctor_id = input.required("doctor_id", &mut errors, rules::id);
        let tz = state.config.clinic_tz;
        let now = state.now();
        let date_time = input
            .required("date_time", &mut errors, |value| rules::future_date_time(value, tz, now));
        let duration_minutes =
            input.optional("duration_minutes", &mut errors, rules::visit_minutes);
        if user_id.is_some() && user_id == doctor_id {
            errors.add("doctor_id", "The doctor and the patient must be different people.");
        }
        match (user_id, doctor_id, date_time) {
            (Some(user_id), Some(doctor_id), Some(date_time)) if errors.is_empty() => {
                Ok(Self { user_id, doctor_id, date_time, duration_minutes })
            }
            _ => Err(ApiError::Invalid(errors)),
        }
    }
}

/// Books a patient's visit to a doctor.
///
/// The patient is e-mailed the doctor, specialty, date and time.
///
/// 400 (the field named in `errors`) when `user_id` is not a patient, when `doctor_id` is not a
/// doctor, or is a doctor whose account is not active or who is not available for booking, when
/// both name the same person, when `date_time` is not in the future, or when `duration_minutes`
/// is not 5–240. 409 when the visit would overlap a booked visit of the doctor or of the
/// patient (with any doctor), when the patient already has a booked visit to come with that
/// doctor, when the doctor is absent then, or when the doctor's weekly hours are set and the
/// visit is not wholly inside them (cancelled visits count for nothing). The visit occupies
/// `[date_time, date_time + duration_minutes)`.
///
/// **Who:** staff and operators. Doctors, pharmacists and patients are refused (403).
#[utoipa::path(post, path = "/booking_doctor", tag = "booking_doctor",
    request_body = NewVisitBody, security(("bearer" = [])), responses(
        (status = 201, body = Visit),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
async fn book_visit(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    caller.authorize(Action::BookDoctorVisit, None)?;
    let booking = Booking::read(&body, &state)?;
    let now = state.now();

    let mut tx = state.db.begin().await?;
    let doctor = BookableDoctor::bookable(lock_doctor(&mut tx, booking.doctor_id).await?);
    lock_patient(&mut tx, booking.user_id).await?;
    let patient = users::find_patient(&mut *tx, booking.user_id, "user_id").await;
    // Both references are checked, so that a request wrong in both names both.
    let (doctor, patient) = match (doctor, patient) {
        (Ok(doctor), Ok(patient)) => (doctor, patient),
        (Err(refusal), Err(ApiError::Invalid(mut errors))) => {
            errors.add("doctor_id", refusal);
            return Err(ApiError::Invalid(errors));
        }
        (Err(refusal), Ok(_)) => return Err(ApiError::field("doctor_id", refusal)),
        (_, Err(error)) => return Err(error),
    };
    let minutes = booking.duration_minutes.unwrap_or(doctor.visit_minutes);
    let visit = Interval::new(booking.date_time, minutes);
    ensure_bookable(&mut tx, &booking, visit, now, state.config.clinic_tz).await?;
    let inserted = sqlx::query!(
        "INSERT INTO doctor_visits (user_id, doctor_id, status, date_time, duration_minutes, \
         created_by_id, created_at, updated_at) VALUES (?, ?, 'booked', ?, ?, ?, ?, ?)",
        booking.user_id,
        booking.doctor_id,
        // Naive (UTC): sqlx sends a `DateTime<Utc>` as a TIMESTAMP, which ends in 2038.
        booking.date_time.naive_utc(),
        minutes,
        caller.user_id,
        now,
        now
    )
    .execute(&mut *tx)
    .await;
    let id = match inserted {
        Ok(done) => done.last_insert_id(),
        Err(error) if is_unique_violation(&error) => {
            return Err(ApiError::Conflict(SLOT_TAKEN.into()));
        }
        // The patient's account was deleted since it was read.
        Err(error) if is_foreign_key_violation(&error) => {
            return Err(ApiError::field("user_id", users::NO_SUCH_PATIENT));
        }
        Err(error) => return Err(error.into()),
    };
    bump_version(&mut tx, "booking_doctor").await?;
    let notification = Notification::VisitBooked {
        name: patient.name.clone(),
        doctor: format!("{} {}", doctor.name, doctor.surname),
        specialty: doctor.specialty.unwrap_or_default(),
        when: clinic_time_text(booking.date_time, state.config.clinic_tz),
        visit_id: id,
        starts_at: booking.date_time,
        duration_minutes: minutes,
    };
    let queued = mail::queue(&mut tx, &state, &patient.email, notification).await?;
    tx.commit().await?;
    tracing::info!(
        visit_id = id,
        doctor_id = booking.doctor_id,
        by = caller.user_id,
        "visit booked"
    );
    mail::deliver(&state, [queued]).await;

    let row = visit::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    publish(&state, ChangeKind::Create, &row).await;
    Ok((StatusCode::CREATED, Json(row.view(Viewer::from(&caller), state.today()))))
}

/// Tells the live subscribers who may see the visit (the clinic, and its patient). The doctor
/// is shown by public details only, the same to everyone.
async fn publish(state: &AppState, kind: ChangeKind, row: &VisitRow) {
    let patient = row.patient_id();
    let change =
        Change { stream: Stream::BookingDoctor, kind, owner: Some(patient), people: vec![patient] };
    let today = state.today();
    realtime::publish(state, change, |viewer| row.clone().view(viewer, today)).await;
}

/// Locks the patient's account row until the transaction ends, after the doctor's: bookings of
/// one patient then happen one at a time. Whether it is a patient is checked after.
async fn lock_patient(conn: &mut MySqlConnection, user_id: u64) -> ApiResult<()> {
    sqlx::query_scalar!("SELECT id FROM users WHERE id = ? FOR UPDATE", user_id)
        .fetch_optional(conn)
        .await?;
    Ok(())
}

/// The business rules of a booking (409): the visit overlaps no booked visit of the doctor or
/// of the patient, the patient has no other booked visit to come with this doctor, and the
/// doctor's schedule admits it. Cancelled visits count for nothing.
async fn ensure_bookable(
    conn: &mut MySqlConnection,
    booking: &Booking,
    visit: Interval,
    now: DateTime<Utc>,
    tz: Tz,
) -> ApiResult<()> {
    // A visit that overlaps this one starts before it ends and at most the longest visit
    // before it begins: a bounded range of (doctor, time) and of (patient, time).
    let earliest = (visit.start - Duration::minutes(i64::from(MAX_VISIT_MINUTES))).naive_utc();
    let (start, end) = (visit.start.naive_utc(), visit.end.naive_utc());
    let taken = sqlx::query!(
        r#"SELECT
             EXISTS(SELECT 1 FROM doctor_visits FORCE INDEX (doctor_visits_doctor_slot)
                    WHERE doctor_id = ? AND date_time > ? AND date_time < ? AND booked_slot = 1
                      AND date_time + INTERVAL duration_minutes MINUTE > ?) AS "doctor_busy: bool",
             EXISTS(SELECT 1 FROM doctor_visits FORCE INDEX (doctor_visits_patient_time)
                    WHERE user_id = ? AND date_time > ? AND date_time < ? AND status = 'booked'
                      AND date_time + INTERVAL duration_minutes MINUTE > ?) AS "patient_busy: bool",
             EXISTS(SELECT 1 FROM doctor_visits
                    WHERE user_id = ? AND doctor_id = ? AND status = 'booked' AND date_time > ?)
               AS "booked_with_doctor: bool""#,
        booking.doctor_id,
        earliest,
        end,
        start,
        booking.user_id,
        earliest,
        end,
        start,
        booking.user_id,
        booking.doctor_id,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    if taken.doctor_busy {
        return Err(ApiError::Conflict(SLOT_TAKEN.into()));
    }
    if taken.patient_busy {
        return Err(ApiError::Conflict(PATIENT_BUSY.into()));
    }
    if taken.booked_with_doctor {
        return Err(ApiError::Conflict(ALREADY_BOOKED_WITH_DOCTOR.into()));
    }
    let first = visit.start.with_timezone(&tz).date_naive();
    let last = visit.end.with_timezone(&tz).date_naive();
    let schedule = hours::schedule_of(conn, booking.doctor_id, first, last).await?;
    schedule.admits(visit, tz).map_err(|refusal| ApiError::Conflict(refusal.detail().into()))
}

/// Deletes a doctor visit.
///
/// Unlike a cancellation, nothing is kept and no one is e-mailed.
///
/// **Who:** staff and operators. Doctors, pharmacists and patients are refused (403), whatever
/// the id.
#[utoipa::path(delete, path = "/booking_doctor/{id}", tag = "booking_doctor",
    params(("id" = u64, Path, minimum = 1, description = "The visit's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden)))]
async fn delete_visit(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    caller.authorize(Action::DeleteDoctorVisit, None)?;
    let mut tx = state.db.begin().await?;
    // As it was, for the subscribers told of its deletion.
    let row = visit::find_for_update(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    sqlx::query!("DELETE FROM doctor_visits WHERE id = ?", id).execute(&mut *tx).await?;
    bump_version(&mut tx, "booking_doctor").await?;
    tx.commit().await?;
    tracing::info!(visit_id = id, by = caller.user_id, "visit deleted");
    publish(&state, ChangeKind::Delete, &row).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancels a doctor visit.
///
/// Sets `status` to `cancelled` and `is_active` to `false`, and e-mails the patient. Staff and
/// operators may cancel any booked visit at any time (a visit that has passed too: a no-show is
/// recorded this way). A patient may cancel their own visit only while it is more than 24
/// hours away; later, they call the clinic. No request body is needed.
///
/// 409 when the visit is already cancelled, or when a patient cancels less than 24 hours
/// before the visit (or after it). A patient asking for another patient's visit gets 404, as
/// for an unknown id.
///
/// **Who:** staff and operators (any visit, any time); a patient (their own visit, while it is
/// more than 24 hours away). Doctors and pharmacists are refused (403), whatever the id.
#[utoipa::path(patch, path = "/booking_doctor/cancelled/{id}", tag = "booking_doctor",
    params(("id" = u64, Path, minimum = 1, description = "The visit's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Visit),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
async fn cancel_visit(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<Visit>> {
    // Those who may cancel only their own visits (patients) are bound by the 24-hour rule.
    let own_visits_only = caller.list_scope(Action::CancelDoctorVisit)?.is_some();
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let row = visit::find_for_update(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    caller.authorize(Action::CancelDoctorVisit, Some(row.patient_id()))?;
    if row.is_cancelled() {
        return Err(ApiError::Conflict("This visit is already cancelled.".into()));
    }
    if own_visits_only && row.date_time - now <= PATIENT_CANCELLATION_NOTICE {
        return Err(ApiError::Conflict(
            "Visits can be cancelled online until 24 hours before they start. \
             Please call the clinic."
                .into(),
        ));
    }
    sqlx::query!(
        "UPDATE doctor_visits SET status = ?, updated_at = ? WHERE id = ?",
        CANCELLED,
        now,
        id
    )
    .execute(&mut *tx)
    .await?;
    // The status filter's totals change.
    bump_version(&mut tx, "booking_doctor").await?;
    let patient = &row.patient;
    let notification = Notification::VisitCancelled {
        name: patient.name.clone(),
        doctor: row.doctor_full_name(),
        specialty: row.doctor_specialty.clone().unwrap_or_default(),
        when: clinic_time_text(row.date_time, state.config.clinic_tz),
    };
    let queued = mail::queue(&mut tx, &state, &patient.email, notification).await?;
    tx.commit().await?;
    tracing::info!(visit_id = id, by = caller.user_id, "visit cancelled");
    mail::deliver(&state, [queued]).await;

    let row = visit::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    publish(&state, ChangeKind::Update, &row).await;
    Ok(Json(row.view(Viewer::from(&caller), state.today())))
}
