//! `/api/booking_doctor`: doctor visits (API.md, "Doctor visits").
//!
//! Bookings with one doctor are serialized by locking that doctor's roles row first, so the
//! checks before an insert stay true until it commits; the unique key on (doctor, time, booked)
//! still decides any race the lock does not cover.

mod filters;
mod visit;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
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
use qhealth::users::{self, Viewer};
use qhealth::validate::{Input, rules};
use sqlx::MySqlConnection;

use crate::filters::VisitFilter;
use crate::visit::{CANCELLED, Visit, VisitRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/booking_doctor", get(list_visits).post(book_visit))
        .route("/booking_doctor/{id}", get(get_visit).delete(delete_visit))
        .route("/booking_doctor/cancelled/{id}", patch(cancel_visit))
}

/// How long before a visit a patient may still cancel it online; later, they call the clinic.
const PATIENT_CANCELLATION_NOTICE: Duration = Duration::hours(24);

const SLOT_TAKEN: &str =
    "This doctor already has a visit booked at this time. Choose another time.";
const ALREADY_BOOKED_WITH_DOCTOR: &str = "This patient already has a booked visit with this \
     doctor. Cancel it, or book another one after it has taken place.";

/// One statement for the page (the visits with their patients and doctors, and the collections'
/// versions); the total comes from the count cache.
async fn list_visits(
    State(state): State<AppState>,
    CallerDb { caller, mut db }: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<Visit>>> {
    let scope = caller.list_scope(Action::ListDoctorVisits)?;
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(&query, &mut errors);
    let filter = VisitFilter::from_query(&query, scope, &mut errors);
    errors.into_result()?;
    let rows = filter.page(&mut db, request).await?;
    // The total is counted on the request's connection too, never a second one.
    let (filter, conn) = (&filter, &mut *db);
    let total = state
        .counts
        .total_for_page("booking_doctor", filter.cache_key(), request, &rows, move || {
            filter.count(conn)
        })
        .await?;
    let (viewer, today) = (Viewer::from(&caller), state.today());
    let data = rows.into_iter().map(|versioned| versioned.row.view(viewer, today)).collect();
    Ok(Json(Page::new(request, total, data)))
}

async fn get_visit(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<Visit>> {
    caller.authorize_any(Action::ReadDoctorVisit)?;
    let row = visit::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    caller.authorize(Action::ReadDoctorVisit, Some(row.patient_id()))?;
    Ok(Json(row.view(Viewer::from(&caller), state.today())))
}

/// The doctor named by `doctor_id`, as a booking needs them.
struct BookableDoctor {
    role: String,
    specialty: Option<String>,
    is_available_for_booking: bool,
    is_active: bool,
    name: String,
    surname: String,
}

impl BookableDoctor {
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
async fn lock_doctor(
    conn: &mut MySqlConnection,
    doctor_id: u64,
) -> ApiResult<Option<BookableDoctor>> {
    let doctor = sqlx::query_as!(
        BookableDoctor,
        r#"SELECT r.role, r.specialty,
                  r.is_available_for_booking AS "is_available_for_booking: bool",
                  u.is_active AS "is_active: bool", p.name, p.surname
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
        if user_id.is_some() && user_id == doctor_id {
            errors.add("doctor_id", "The doctor and the patient must be different people.");
        }
        match (user_id, doctor_id, date_time) {
            (Some(user_id), Some(doctor_id), Some(date_time)) if errors.is_empty() => {
                Ok(Self { user_id, doctor_id, date_time })
            }
            _ => Err(ApiError::Invalid(errors)),
        }
    }
}

/// Staff and operators book a visit for a patient with a doctor; the patient is e-mailed.
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
    ensure_bookable(&mut tx, &booking, now).await?;
    let inserted = sqlx::query!(
        "INSERT INTO doctor_visits (user_id, doctor_id, status, date_time, created_by_id, \
         created_at, updated_at) VALUES (?, ?, 'booked', ?, ?, ?, ?)",
        booking.user_id,
        booking.doctor_id,
        booking.date_time,
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

/// The business rules of a booking (409): the doctor is free at that time, and the patient has
/// no other booked visit to come with this doctor. Cancelled visits count for neither.
async fn ensure_bookable(
    conn: &mut MySqlConnection,
    booking: &Booking,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let taken = sqlx::query!(
        r#"SELECT
             EXISTS(SELECT 1 FROM doctor_visits
                    WHERE doctor_id = ? AND date_time = ? AND status = 'booked') AS "slot_taken: bool",
             EXISTS(SELECT 1 FROM doctor_visits
                    WHERE user_id = ? AND doctor_id = ? AND status = 'booked' AND date_time > ?)
               AS "booked_with_doctor: bool""#,
        booking.doctor_id,
        booking.date_time,
        booking.user_id,
        booking.doctor_id,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    if taken.slot_taken {
        Err(ApiError::Conflict(SLOT_TAKEN.into()))
    } else if taken.booked_with_doctor {
        Err(ApiError::Conflict(ALREADY_BOOKED_WITH_DOCTOR.into()))
    } else {
        Ok(())
    }
}

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

/// Staff and operators cancel any booked visit, at any time (a visit that has passed, too: a
/// no-show is recorded this way). A patient cancels their own, and only while it is more than
/// 24 hours away; a visit already passed is within that window by definition.
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
