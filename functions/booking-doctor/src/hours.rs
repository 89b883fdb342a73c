//! `/api/booking_doctor/hours/{id}`: a doctor's weekly working hours and dated exceptions
//! (API.md, "Scheduling").
//!
//! Every change locks the doctor's roles row first, as bookings do, so a booking and a change of
//! hours happen one after the other: a booking never slips into an absence being written. A
//! change never moves or cancels a visit: the answer lists the booked visits to come that it
//! leaves outside the hours, for the operator to call.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::auth::Caller;
use qhealth::db::push_id_list;
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{JsonBody, PathId};
use qhealth::openapi::{Conflict, Forbidden};
use qhealth::validate::{Input, rules};
use serde::Serialize;
use sqlx::{MySql, MySqlConnection, QueryBuilder};
use utoipa::ToSchema;

use crate::schedule::{DatedException, ExceptionKind, Interval, Schedule, WeeklyHours};
use crate::{BookableDoctor, lock_doctor};

/// At most four intervals a day, every day.
const MAX_WEEKLY_INTERVALS: usize = 28;
const MAX_NOTE_CHARS: usize = 200;

/// A doctor's working hours.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WorkingHours, example = json!({
    "doctor_id": 5, "visit_minutes": 30,
    "weekly": [{"weekday": 1, "from": "08:00", "to": "12:00"},
               {"weekday": 1, "from": "13:00", "to": "16:00"}],
    "exceptions": [{"id": 3, "date": "2027-03-08", "kind": "absence", "from": null, "to": null,
                    "note": "Course"}]
}))]
pub struct Hours {
    /// The doctor's user id.
    pub doctor_id: u64,
    /// The doctor's usual visit length: the default of a new visit and the step of free slots.
    pub visit_minutes: u16,
    /// The weekly template, by weekday and time. Empty: hours not set (bookable at any time
    /// outside absences, no free slots but in extra hours).
    pub weekly: Vec<WeeklyInterval>,
    /// The exceptions from today on, by date.
    pub exceptions: Vec<HoursException>,
}

/// One interval of the weekly template, in clinic time.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeeklyInterval {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: u8,
    #[schema(example = "08:00")]
    pub from: String,
    #[schema(example = "16:00")]
    pub to: String,
}

/// What an exception does.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // documentation only: the kind is answered as its stored text
enum ExceptionKindName {
    /// The doctor is away (the whole day when `from` and `to` are `null`).
    Absence,
    /// The doctor works these hours besides the weekly ones.
    Extra,
}

/// A dated exception to the weekly hours, in clinic time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoursException {
    pub id: u64,
    pub date: NaiveDate,
    #[schema(value_type = ExceptionKindName)]
    pub kind: String,
    /// `null` with `to` for a whole-day absence.
    #[schema(required = true, example = "08:00")]
    pub from: Option<String>,
    #[schema(required = true, example = "12:00")]
    pub to: Option<String>,
    pub note: String,
}

/// A booked visit to come that a change of hours leaves outside them. It is not moved.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictingVisit {
    pub id: u64,
    pub date_time: DateTime<Utc>,
    pub duration_minutes: u16,
    pub patient: PatientName,
}

/// Whom the operator calls about a conflicting visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatientName {
    pub id: u64,
    pub name: String,
    pub surname: String,
}

/// The weekly hours as just set, and the visits they leave out.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoursSet {
    pub hours: Hours,
    pub conflicting_visits: Vec<ConflictingVisit>,
}

/// The exception as just added, and the visits it leaves out.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionAdded {
    pub exception: HoursException,
    pub conflicting_visits: Vec<ConflictingVisit>,
}

/// The body that replaces a doctor's weekly hours.
#[derive(ToSchema)]
#[schema(as = NewWorkingHours, example = json!({
    "visit_minutes": 20,
    "weekly": [{"weekday": 1, "from": "08:00", "to": "12:00"},
               {"weekday": 3, "from": "12:00", "to": "18:00"}]}))]
#[allow(dead_code)] // documentation only: `WeeklyTemplate::read` reads the body field by field
struct NewHoursBody {
    /// The new template, replacing the old one; `[]` clears it. Intervals of one weekday may
    /// not overlap; at most 28. Problems are named `weekly.<index>.<field>`.
    #[schema(max_items = 28)]
    weekly: Vec<NewWeeklyInterval>,
    /// The doctor's usual visit length, 5–240; left out, it stays as it is.
    #[schema(minimum = 5, maximum = 240)]
    visit_minutes: Option<u16>,
}

#[derive(ToSchema)]
#[allow(dead_code)] // documentation only
struct NewWeeklyInterval {
    #[schema(minimum = 1, maximum = 7)]
    weekday: u8,
    /// `HH:MM`, before `to`.
    #[schema(example = "08:00")]
    from: String,
    #[schema(example = "16:00")]
    to: String,
}

/// The body of a new exception.
#[derive(ToSchema)]
#[schema(as = NewHoursException,
    example = json!({"date": "2027-03-08", "kind": "absence", "note": "Course"}))]
#[allow(dead_code)] // documentation only: `NewException::read` reads the body field by field
struct NewExceptionBody {
    /// The clinic date, today or later.
    date: NaiveDate,
    #[schema(inline)]
    kind: ExceptionKindName,
    /// `HH:MM`; leave `from` and `to` out for a whole-day absence; both are required for extra
    /// hours.
    from: Option<String>,
    to: Option<String>,
    /// At most 200 characters.
    #[schema(max_length = 200)]
    note: Option<String>,
}

/// Reads a doctor's working hours.
///
/// The weekly template and the exceptions from today on. 404 when the id is not a doctor's.
///
/// **Who:** staff, doctors and operators. Pharmacists and patients are refused (403).
#[utoipa::path(get, path = "/booking_doctor/hours/{id}", tag = "booking_doctor",
    params(("id" = u64, Path, minimum = 1, description = "The doctor's user id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Hours),
        (status = 403, response = Forbidden)))]
pub async fn get_hours(
    State(state): State<AppState>,
    caller: Caller,
    PathId(doctor_id): PathId,
) -> ApiResult<Json<Hours>> {
    caller.authorize(Action::ReadDoctorHours, Some(doctor_id))?;
    let mut db = state.db.acquire().await?;
    let visit_minutes =
        doctor_visit_minutes(&mut db, doctor_id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(read_hours(&mut db, doctor_id, visit_minutes, state.today()).await?))
}

/// Replaces a doctor's weekly working hours.
///
/// Booked visits are never moved: the answer lists those to come that the new hours leave
/// outside (or that fall in an absence), for the operator to rebook. 404 when the id is not a
/// doctor's.
///
/// **Who:** staff (any doctor); a doctor (their own). Others are refused (403).
#[utoipa::path(put, path = "/booking_doctor/hours/{id}", tag = "booking_doctor",
    params(("id" = u64, Path, minimum = 1, description = "The doctor's user id")),
    request_body = NewHoursBody, security(("bearer" = [])), responses(
        (status = 200, body = HoursSet),
        (status = 403, response = Forbidden)))]
pub async fn set_hours(
    State(state): State<AppState>,
    caller: Caller,
    PathId(doctor_id): PathId,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<HoursSet>> {
    caller.authorize(Action::ManageDoctorHours, Some(doctor_id))?;
    let template = WeeklyTemplate::read(&body)?;
    let mut tx = state.db.begin().await?;
    let doctor = doctor_to_change(&mut tx, doctor_id).await?;
    sqlx::query!("DELETE FROM doctor_hours WHERE doctor_id = ?", doctor_id)
        .execute(&mut *tx)
        .await?;
    if !template.weekly.is_empty() {
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO doctor_hours (doctor_id, weekday, starts, ends) ",
        );
        insert.push_values(&template.weekly, |mut row, interval| {
            row.push_bind(doctor_id)
                .push_bind(interval.weekday)
                .push_bind(interval.from)
                .push_bind(interval.to);
        });
        insert.build().execute(&mut *tx).await?;
    }
    let visit_minutes = template.visit_minutes.unwrap_or(doctor.visit_minutes);
    sqlx::query!("UPDATE roles SET visit_minutes = ? WHERE user_id = ?", visit_minutes, doctor_id)
        .execute(&mut *tx)
        .await?;
    let conflicting_visits = conflicting_visits(&mut tx, doctor_id, &state).await?;
    let hours = read_hours(&mut tx, doctor_id, visit_minutes, state.today()).await?;
    tx.commit().await?;
    tracing::info!(doctor_id, by = caller.user_id, "working hours set");
    Ok(Json(HoursSet { hours, conflicting_visits }))
}

/// Adds an exception to a doctor's hours: an absence, or extra hours.
///
/// Booked visits in an absence are not cancelled: the answer lists them, for the operator to
/// rebook. 404 when the id is not a doctor's.
///
/// **Who:** staff (any doctor); a doctor (their own). Others are refused (403).
#[utoipa::path(post, path = "/booking_doctor/hours/{id}/exceptions", tag = "booking_doctor",
    params(("id" = u64, Path, minimum = 1, description = "The doctor's user id")),
    request_body = NewExceptionBody, security(("bearer" = [])), responses(
        (status = 201, body = ExceptionAdded),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
pub async fn add_exception(
    State(state): State<AppState>,
    caller: Caller,
    PathId(doctor_id): PathId,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<ExceptionAdded>)> {
    caller.authorize(Action::ManageDoctorHours, Some(doctor_id))?;
    let new = NewException::read(&body, state.today())?;
    let mut tx = state.db.begin().await?;
    doctor_to_change(&mut tx, doctor_id).await?;
    let (from, to) = new.times.unzip();
    let id = sqlx::query!(
        "INSERT INTO doctor_hour_exceptions (doctor_id, day, kind, starts, ends, note, \
         created_by_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        doctor_id,
        new.date,
        new.kind.as_str(),
        from,
        to,
        new.note,
        caller.user_id,
        state.now()
    )
    .execute(&mut *tx)
    .await?
    .last_insert_id();
    let conflicting_visits = conflicting_visits(&mut tx, doctor_id, &state).await?;
    tx.commit().await?;
    tracing::info!(doctor_id, exception_id = id, by = caller.user_id, "hours exception added");
    let exception = HoursException {
        id,
        date: new.date,
        kind: new.kind.as_str().to_owned(),
        from: from.map(clock_text),
        to: to.map(clock_text),
        note: new.note,
    };
    Ok((StatusCode::CREATED, Json(ExceptionAdded { exception, conflicting_visits })))
}

/// The doctor and exception ids of `/booking_doctor/hours/{id}/exceptions/{exception_id}`;
/// anything but two positive whole numbers is a 404.
pub struct ExceptionPath {
    doctor_id: u64,
    exception_id: u64,
}

impl<S: Send + Sync> FromRequestParts<S> for ExceptionPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((doctor, exception)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let id = |raw: String| raw.parse::<u64>().ok().filter(|id| *id > 0);
        match (id(doctor), id(exception)) {
            (Some(doctor_id), Some(exception_id)) => Ok(Self { doctor_id, exception_id }),
            _ => Err(ApiError::NotFound),
        }
    }
}

/// Removes an exception from a doctor's hours.
///
/// Removing extra hours does not cancel the visits booked in them. 404 when the exception is
/// not one of this doctor's.
///
/// **Who:** staff (any doctor); a doctor (their own). Others are refused (403).
#[utoipa::path(delete, path = "/booking_doctor/hours/{id}/exceptions/{exception_id}",
    tag = "booking_doctor", params(
        ("id" = u64, Path, minimum = 1, description = "The doctor's user id"),
        ("exception_id" = u64, Path, minimum = 1, description = "The exception's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "Removed."),
        (status = 403, response = Forbidden)))]
pub async fn delete_exception(
    State(state): State<AppState>,
    caller: Caller,
    path: ExceptionPath,
) -> ApiResult<StatusCode> {
    caller.authorize(Action::ManageDoctorHours, Some(path.doctor_id))?;
    let mut tx = state.db.begin().await?;
    doctor_to_change(&mut tx, path.doctor_id).await?;
    let deleted = sqlx::query!(
        "DELETE FROM doctor_hour_exceptions WHERE id = ? AND doctor_id = ?",
        path.exception_id,
        path.doctor_id
    )
    .execute(&mut *tx)
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(
        doctor_id = path.doctor_id,
        exception_id = path.exception_id,
        by = caller.user_id,
        "hours exception removed"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// The doctor `doctor_id`, their rows locked for a change of hours; 404 unless it is a doctor.
async fn doctor_to_change(conn: &mut MySqlConnection, doctor_id: u64) -> ApiResult<BookableDoctor> {
    match lock_doctor(conn, doctor_id).await? {
        Some(doctor) if doctor.role == "doctor" => Ok(doctor),
        _ => Err(ApiError::NotFound),
    }
}

/// The doctor's usual visit length, if `doctor_id` is a doctor's user id.
async fn doctor_visit_minutes(
    conn: &mut MySqlConnection,
    doctor_id: u64,
) -> Result<Option<u16>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT visit_minutes FROM roles WHERE user_id = ? AND role = 'doctor'",
        doctor_id
    )
    .fetch_optional(conn)
    .await
}

/// "08:30".
fn clock_text(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// The answer of GET: the template, and the exceptions from `today` on.
async fn read_hours(
    conn: &mut MySqlConnection,
    doctor_id: u64,
    visit_minutes: u16,
    today: NaiveDate,
) -> Result<Hours, sqlx::Error> {
    let weekly =
        weekly_hours(&mut *conn, &[doctor_id]).await?.remove(&doctor_id).unwrap_or_default();
    let exceptions = sqlx::query!(
        "SELECT id, day, kind, starts, ends, note FROM doctor_hour_exceptions \
         WHERE doctor_id = ? AND day >= ? ORDER BY day, starts, id",
        doctor_id,
        today
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Hours {
        doctor_id,
        visit_minutes,
        weekly: weekly
            .into_iter()
            .map(|w| WeeklyInterval {
                weekday: w.weekday,
                from: clock_text(w.from),
                to: clock_text(w.to),
            })
            .collect(),
        exceptions: exceptions
            .into_iter()
            .map(|e| HoursException {
                id: e.id,
                date: e.day,
                kind: e.kind,
                from: e.starts.map(clock_text),
                to: e.ends.map(clock_text),
                note: e.note,
            })
            .collect(),
    })
}

/// The weekly templates of `doctors`, by doctor, each sorted by weekday and time.
pub async fn weekly_hours(
    conn: &mut MySqlConnection,
    doctors: &[u64],
) -> Result<HashMap<u64, Vec<WeeklyHours>>, sqlx::Error> {
    let mut by_doctor: HashMap<u64, Vec<WeeklyHours>> = HashMap::new();
    if doctors.is_empty() {
        return Ok(by_doctor);
    }
    let mut query = QueryBuilder::<MySql>::new(
        "SELECT doctor_id, weekday, starts, ends FROM doctor_hours WHERE doctor_id IN ",
    );
    push_id_list(&mut query, doctors.iter().copied());
    query.push(" ORDER BY doctor_id, weekday, starts");
    let rows: Vec<(u64, u8, NaiveTime, NaiveTime)> = query.build_query_as().fetch_all(conn).await?;
    for (doctor_id, weekday, from, to) in rows {
        by_doctor.entry(doctor_id).or_default().push(WeeklyHours { weekday, from, to });
    }
    Ok(by_doctor)
}

/// The exceptions of `doctors` on the clinic dates `from..=to`, by doctor.
pub async fn dated_exceptions(
    conn: &mut MySqlConnection,
    doctors: &[u64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<u64, Vec<DatedException>>, sqlx::Error> {
    let mut by_doctor: HashMap<u64, Vec<DatedException>> = HashMap::new();
    if doctors.is_empty() {
        return Ok(by_doctor);
    }
    let mut query = QueryBuilder::<MySql>::new(
        "SELECT doctor_id, day, kind, starts, ends FROM doctor_hour_exceptions WHERE doctor_id IN ",
    );
    push_id_list(&mut query, doctors.iter().copied());
    query.push(" AND day BETWEEN ").push_bind(from).push(" AND ").push_bind(to);
    type Row = (u64, NaiveDate, String, Option<NaiveTime>, Option<NaiveTime>);
    let rows: Vec<Row> = query.build_query_as().fetch_all(conn).await?;
    for (doctor_id, date, kind, starts, ends) in rows {
        let Some(kind) = ExceptionKind::parse(&kind) else { continue };
        let times = starts.zip(ends);
        by_doctor.entry(doctor_id).or_default().push(DatedException { date, kind, times });
    }
    Ok(by_doctor)
}

/// One doctor's schedule for the clinic dates `from..=to`.
pub async fn schedule_of(
    conn: &mut MySqlConnection,
    doctor_id: u64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Schedule, sqlx::Error> {
    let weekly =
        weekly_hours(&mut *conn, &[doctor_id]).await?.remove(&doctor_id).unwrap_or_default();
    let exceptions = dated_exceptions(conn, &[doctor_id], from, to)
        .await?
        .remove(&doctor_id)
        .unwrap_or_default();
    Ok(Schedule { weekly, exceptions })
}

/// The doctor's booked visits to come that their schedule, as it now stands, does not admit.
async fn conflicting_visits(
    conn: &mut MySqlConnection,
    doctor_id: u64,
    state: &AppState,
) -> Result<Vec<ConflictingVisit>, sqlx::Error> {
    let tz: Tz = state.config.clinic_tz;
    let upcoming = sqlx::query!(
        r#"SELECT v.id, v.date_time AS "date_time: DateTime<Utc>", v.duration_minutes,
                  p.user_id AS patient_id, p.name, p.surname
           FROM doctor_visits v FORCE INDEX (doctor_visits_doctor_slot)
           JOIN profiles p ON p.user_id = v.user_id
           WHERE v.doctor_id = ? AND v.date_time > ? AND v.booked_slot = 1
           ORDER BY v.date_time, v.id"#,
        doctor_id,
        state.now().naive_utc()
    )
    .fetch_all(&mut *conn)
    .await?;
    let (Some(first), Some(last)) = (upcoming.first(), upcoming.last()) else {
        return Ok(Vec::new());
    };
    let from = first.date_time.with_timezone(&tz).date_naive();
    let to = last.date_time.with_timezone(&tz).date_naive().succ_opt().unwrap_or(NaiveDate::MAX);
    let schedule = schedule_of(conn, doctor_id, from, to).await?;
    Ok(upcoming
        .into_iter()
        .filter(|v| schedule.admits(Interval::new(v.date_time, v.duration_minutes), tz).is_err())
        .map(|v| ConflictingVisit {
            id: v.id,
            date_time: v.date_time,
            duration_minutes: v.duration_minutes,
            patient: PatientName { id: v.patient_id, name: v.name, surname: v.surname },
        })
        .collect())
}

/// A valid body of PUT: the new template, and perhaps a new visit length.
struct WeeklyTemplate {
    weekly: Vec<WeeklyHours>,
    visit_minutes: Option<u16>,
}

impl WeeklyTemplate {
    fn read(body: &serde_json::Value) -> ApiResult<Self> {
        let input = Input::root(body)?;
        let mut errors = FieldErrors::new();
        let visit_minutes = input.optional("visit_minutes", &mut errors, rules::visit_minutes);
        let items = input.required_list("weekly", MAX_WEEKLY_INTERVALS, &mut errors);
        let mut weekly = Vec::new();
        for (index, item) in items.iter().flatten().enumerate() {
            let weekday = item.required("weekday", &mut errors, rules::weekday);
            let from = item.required("from", &mut errors, rules::time_of_day);
            let to = item.required("to", &mut errors, rules::time_of_day);
            let (Some(weekday), Some(from), Some(to)) = (weekday, from, to) else { continue };
            if from >= to {
                errors.add(item.path("to"), "End after the start.");
            } else if weekly
                .iter()
                .any(|w: &WeeklyHours| w.weekday == weekday && w.from < to && from < w.to)
            {
                errors.add(
                    format!("weekly.{index}"),
                    "Overlaps another interval of the same weekday.",
                );
            } else {
                weekly.push(WeeklyHours { weekday, from, to });
            }
        }
        errors.into_result()?;
        Ok(Self { weekly, visit_minutes })
    }
}

/// A valid body of POST .../exceptions.
struct NewException {
    date: NaiveDate,
    kind: ExceptionKind,
    times: Option<(NaiveTime, NaiveTime)>,
    note: String,
}

impl NewException {
    fn read(body: &serde_json::Value, today: NaiveDate) -> ApiResult<Self> {
        let input = Input::root(body)?;
        let mut errors = FieldErrors::new();
        let date = input.required("date", &mut errors, |value| {
            let date = rules::date(value)?;
            if !rules::storable_dates().contains(&date) {
                return Err("Enter a real date as YYYY-MM-DD.".into());
            }
            if date < today {
                return Err("Choose today or a later date.".into());
            }
            Ok(date)
        });
        let kind = input.required("kind", &mut errors, |value| {
            value
                .as_str()
                .and_then(ExceptionKind::parse)
                .ok_or("Use one of: absence, extra.".into())
        });
        let from = input.optional("from", &mut errors, rules::time_of_day);
        let to = input.optional("to", &mut errors, rules::time_of_day);
        let note = input
            .optional("note", &mut errors, |value| match value.as_str() {
                Some(text) if text.chars().count() <= MAX_NOTE_CHARS => Ok(text.trim().to_owned()),
                Some(_) => Err(format!("Use at most {MAX_NOTE_CHARS} characters.").into()),
                None => Err("Must be text.".into()),
            })
            .unwrap_or_default();
        let times = match (input.has("from"), input.has("to"), from, to) {
            (_, _, Some(from), Some(to)) if from >= to => {
                errors.add("to", "End after the start.");
                None
            }
            (_, _, Some(from), Some(to)) => Some((from, to)),
            (false, false, ..) if kind != Some(ExceptionKind::Extra) => None,
            (false, false, ..) => {
                errors.add("from", "Give the extra hours' start and end.");
                None
            }
            (true, false, ..) => {
                errors.add("to", "Give the end too, or neither for the whole day.");
                None
            }
            (false, true, ..) => {
                errors.add("from", "Give the start too, or neither for the whole day.");
                None
            }
            // A malformed time, already named.
            (true, true, ..) => None,
        };
        match (date, kind) {
            (Some(date), Some(kind)) if errors.is_empty() => Ok(Self { date, kind, times, note }),
            _ => Err(ApiError::Invalid(errors)),
        }
    }
}
