//! `GET /api/booking_doctor/free_slots`: the times a doctor, or every bookable doctor of a
//! specialty, can still be booked (API.md, "Scheduling").
//!
//! Three statements whatever the range: the doctors, their weekly hours and exceptions, and
//! their booked visits in the range (read per doctor along `doctor_visits_doctor_slot`, the
//! (doctor, time) index); the slots are then cut in memory (see [`crate::schedule`]).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::auth::Caller;
use qhealth::db::push_id_list;
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::QueryParams;
use qhealth::openapi::Forbidden;
use qhealth::page::filters;
use serde::Serialize;
use sqlx::{MySql, MySqlConnection, QueryBuilder};
use utoipa::{IntoParams, ToSchema};

use crate::hours::{dated_exceptions, weekly_hours};
use crate::schedule::{Interval, Schedule, SlotGrid, whole_day};
use crate::visit::Doctor;
use crate::{BookableDoctor, MAX_VISIT_MINUTES};

/// The longest range one request may ask for, in days.
const MAX_DAYS: u64 = 31;

/// The free slots' question.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `SlotQuery::read`
struct FreeSlotsQuery {
    /// One doctor, by user id (give this or `specialty`).
    #[param(nullable = false, minimum = 1)]
    doctor_id: Option<u64>,
    /// Every active doctor available for booking whose specialty is this, ignoring case and
    /// accents (give this or `doctor_id`).
    #[param(nullable = false)]
    specialty: Option<String>,
    /// The first clinic date, `YYYY-MM-DD`.
    #[param(required = true, nullable = false)]
    date_from: Option<NaiveDate>,
    /// The last clinic date, at most 30 days after `date_from`.
    #[param(required = true, nullable = false)]
    date_to: Option<NaiveDate>,
    /// How long the visit would be, 5–240 minutes; the doctor's `visit_minutes` by default.
    #[param(nullable = false, minimum = 5, maximum = 240)]
    duration_minutes: Option<u16>,
}

/// The free slots of the doctors asked about, between two dates.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "date_from": "2027-03-01", "date_to": "2027-03-01",
    "doctors": [{"doctor": {"id": 5, "specialty": "Cardiology", "name": "Karin", "surname": "Berg"},
                 "visit_minutes": 30,
                 "slots": [{"start": "2027-03-01T07:00:00Z", "end": "2027-03-01T07:30:00Z"}]}]
}))]
pub struct FreeSlots {
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
    /// By surname, name and id.
    pub doctors: Vec<DoctorSlots>,
}

/// One doctor's free slots, in time order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoctorSlots {
    pub doctor: Doctor,
    pub visit_minutes: u16,
    pub slots: Vec<Slot>,
}

/// A time the doctor can be booked: `[start, end)`, in UTC.
#[derive(Debug, Serialize, ToSchema)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Lists free slots of one doctor, or of every bookable doctor of a specialty.
///
/// A slot starts at a working interval's start or a multiple of the doctor's `visit_minutes`
/// after it, lasts `duration_minutes`, ends inside the interval, starts after now and overlaps
/// no booked visit and no absence. Clinic dates and times (daylight saving included); instants
/// in UTC. A doctor without weekly hours has slots only in their extra hours.
///
/// 400 (the parameter named) without `doctor_id` or `specialty`, with both, with a `doctor_id`
/// that is not a bookable doctor, or with dates missing, reversed or more than 31 days apart.
///
/// **Who:** staff, doctors and operators. Pharmacists and patients are refused (403).
#[utoipa::path(get, path = "/booking_doctor/free_slots", tag = "booking_doctor",
    params(FreeSlotsQuery), security(("bearer" = [])), responses(
        (status = 200, body = FreeSlots),
        (status = 403, response = Forbidden)))]
pub async fn free_slots(
    State(state): State<AppState>,
    caller: Caller,
    query: QueryParams,
) -> ApiResult<Json<FreeSlots>> {
    caller.authorize(Action::FindFreeSlots, None)?;
    let question = SlotQuery::read(&query)?;
    let mut db = state.db.acquire().await?;
    let doctors = doctors(&mut db, &question.who).await?;
    if let Who::Doctor(id) = question.who {
        let doctor = doctors.first().filter(|d| d.user_id == id).map(|d| d.bookable.clone());
        BookableDoctor::bookable(doctor)
            .map_err(|refusal| ApiError::field("doctor_id", refusal))?;
    }
    let bookable: Vec<&DoctorRow> = doctors.iter().filter(|d| d.bookable.is_bookable()).collect();
    let ids: Vec<u64> = bookable.iter().map(|d| d.user_id).collect();
    let tz = state.config.clinic_tz;
    let range =
        Interval { start: whole_day(question.from, tz).start, end: whole_day(question.to, tz).end };
    let mut weekly = weekly_hours(&mut db, &ids).await?;
    let mut exceptions = dated_exceptions(&mut db, &ids, question.from, question.to).await?;
    let mut booked = booked_visits(&mut db, &ids, range).await?;
    let now = state.now();
    let answer = bookable
        .into_iter()
        .map(|row| {
            let schedule = Schedule {
                weekly: weekly.remove(&row.user_id).unwrap_or_default(),
                exceptions: exceptions.remove(&row.user_id).unwrap_or_default(),
            };
            let booked = booked.remove(&row.user_id).unwrap_or_default();
            let grid = SlotGrid {
                step: row.visit_minutes,
                length: question.duration_minutes.unwrap_or(row.visit_minutes),
            };
            let slots = question
                .from
                .iter_days()
                .take_while(|date| *date <= question.to)
                .flat_map(|date| schedule.free_slots(date, tz, grid, now, &booked))
                .map(|slot| Slot { start: slot.start, end: slot.end })
                .collect();
            DoctorSlots { doctor: row.doctor(), visit_minutes: row.visit_minutes, slots }
        })
        .collect();
    Ok(Json(FreeSlots { date_from: question.from, date_to: question.to, doctors: answer }))
}

/// Whose slots are asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    Doctor(u64),
    Specialty(String),
}

/// A valid question.
#[derive(Debug)]
struct SlotQuery {
    who: Who,
    from: NaiveDate,
    to: NaiveDate,
    duration_minutes: Option<u16>,
}

impl SlotQuery {
    fn read(query: &QueryParams) -> ApiResult<Self> {
        let mut errors = FieldErrors::new();
        let doctor_given = query.get("doctor_id").is_some();
        let doctor_id = filters::id(query, "doctor_id", &mut errors);
        let specialty = filters::text(query, "specialty");
        let who = match (doctor_given, doctor_id, specialty) {
            (true, _, Some(_)) => {
                errors.add("specialty", "Give doctor_id or specialty, not both.");
                None
            }
            (false, _, None) => {
                errors.add("doctor_id", "Give doctor_id or specialty.");
                None
            }
            (false, _, Some(specialty)) => Some(Who::Specialty(specialty)),
            // A malformed doctor_id is already named.
            (true, id, None) => id.map(Who::Doctor),
        };
        let (from, to) = filters::date_range(query, &mut errors);
        for (name, date) in [("date_from", from), ("date_to", to)] {
            if date.is_none() && query.get(name).is_none() {
                errors.add(name, "This parameter is required.");
            }
        }
        if let (Some(from), Some(to)) = (from, to)
            && (to - from).num_days() >= i64::try_from(MAX_DAYS).unwrap_or(31)
        {
            errors.add("date_to", format!("Ask for at most {MAX_DAYS} days at a time."));
        }
        let duration_minutes = query.get("duration_minutes").and_then(|raw| {
            raw.parse::<u16>()
                .ok()
                .filter(|minutes| (5..=MAX_VISIT_MINUTES).contains(minutes))
                .or_else(|| {
                    errors
                        .add("duration_minutes", "Enter a whole number of minutes from 5 to 240.");
                    None
                })
        });
        errors.into_result()?;
        match (who, from, to) {
            (Some(who), Some(from), Some(to)) => Ok(Self { who, from, to, duration_minutes }),
            _ => Err(ApiError::BadRequest("Invalid request format.")),
        }
    }
}

/// A doctor asked about, as the answer and the bookability check need them.
struct DoctorRow {
    user_id: u64,
    visit_minutes: u16,
    bookable: BookableDoctor,
}

impl DoctorRow {
    fn doctor(&self) -> Doctor {
        Doctor {
            id: self.user_id,
            specialty: self.bookable.specialty.clone(),
            name: self.bookable.name.clone(),
            surname: self.bookable.surname.clone(),
        }
    }
}

/// The doctor `doctor_id` (whatever their state, so that the refusal can say why), or the
/// bookable doctors of a specialty; by surname, name and id.
async fn doctors(conn: &mut MySqlConnection, who: &Who) -> Result<Vec<DoctorRow>, sqlx::Error> {
    let mut query = QueryBuilder::<MySql>::new(
        "SELECT r.user_id, r.visit_minutes, r.role, r.specialty, r.is_available_for_booking, \
         u.is_active, p.name, p.surname FROM roles r JOIN users u ON u.id = r.user_id \
         JOIN profiles p ON p.user_id = r.user_id WHERE ",
    );
    match who {
        Who::Doctor(id) => query.push("r.user_id = ").push_bind(*id),
        Who::Specialty(specialty) => query
            .push("r.role = 'doctor' AND u.is_active AND r.is_available_for_booking AND r.specialty = ")
            .push_bind(specialty.trim().to_owned()),
    };
    query.push(" ORDER BY p.surname, p.name, r.user_id");
    type Row = (u64, u16, String, Option<String>, bool, bool, String, String);
    let rows: Vec<Row> = query.build_query_as().fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(user_id, visit_minutes, role, specialty, available, active, name, surname)| {
            DoctorRow {
                user_id,
                visit_minutes,
                bookable: BookableDoctor {
                    role,
                    specialty,
                    is_available_for_booking: available,
                    is_active: active,
                    name,
                    surname,
                    visit_minutes,
                },
            }
        })
        .collect())
}

/// The booked visits of `doctors` that overlap `range`, by doctor, in time order. A visit that
/// began up to its longest length before the range may still run into it.
async fn booked_visits(
    conn: &mut MySqlConnection,
    doctors: &[u64],
    range: Interval,
) -> Result<HashMap<u64, Vec<Interval>>, sqlx::Error> {
    let mut by_doctor: HashMap<u64, Vec<Interval>> = HashMap::new();
    if doctors.is_empty() {
        return Ok(by_doctor);
    }
    let earliest = range.start - Duration::minutes(i64::from(MAX_VISIT_MINUTES));
    let mut query = QueryBuilder::<MySql>::new(
        "SELECT doctor_id, date_time, duration_minutes FROM doctor_visits \
         FORCE INDEX (doctor_visits_doctor_slot) WHERE doctor_id IN ",
    );
    push_id_list(&mut query, doctors.iter().copied());
    query.push(" AND date_time >= ").push_bind(earliest.naive_utc());
    query.push(" AND date_time < ").push_bind(range.end.naive_utc());
    query.push(" AND booked_slot = 1 ORDER BY doctor_id, date_time");
    let rows: Vec<(u64, DateTime<Utc>, u16)> = query.build_query_as().fetch_all(conn).await?;
    for (doctor_id, start, minutes) in rows {
        by_doctor.entry(doctor_id).or_default().push(Interval::new(start, minutes));
    }
    Ok(by_doctor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &str) -> Result<SlotQuery, FieldErrors> {
        match SlotQuery::read(&QueryParams::parse(query)) {
            Ok(question) => Ok(question),
            Err(ApiError::Invalid(errors)) => Err(errors),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_question_names_one_doctor_or_one_specialty_and_a_short_range() {
        let question = read("doctor_id=5&date_from=2027-03-01&date_to=2027-03-07").unwrap();
        assert_eq!(question.who, Who::Doctor(5));
        let question = read(
            "specialty=Cardiology&date_from=2027-03-01&date_to=2027-03-31&duration_minutes=45",
        )
        .unwrap();
        assert_eq!(question.who, Who::Specialty("Cardiology".into()));
        assert_eq!(question.duration_minutes, Some(45));
        for (query, field) in [
            ("date_from=2027-03-01&date_to=2027-03-02", "doctor_id"),
            ("doctor_id=5&specialty=x&date_from=2027-03-01&date_to=2027-03-02", "specialty"),
            ("doctor_id=0&date_from=2027-03-01&date_to=2027-03-02", "doctor_id"),
            ("doctor_id=5&date_to=2027-03-02", "date_from"),
            ("doctor_id=5&date_from=2027-03-03&date_to=2027-03-02", "date_to"),
            ("doctor_id=5&date_from=2027-03-01&date_to=2027-04-01", "date_to"),
            ("doctor_id=5&date_from=2027-02-30&date_to=2027-03-02", "date_from"),
            (
                "doctor_id=5&date_from=2027-03-01&date_to=2027-03-02&duration_minutes=4",
                "duration_minutes",
            ),
        ] {
            assert!(read(query).unwrap_err().get(field).is_some(), "{query}");
        }
    }
}
