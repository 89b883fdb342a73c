//! The filters of the visit list (API.md, "Doctor visits" and "Lists by date"), as a
//! [`DatedQuery`] on the visits: the booked or the cancelled ones are slices the schema counts
//! on their own, a patient's own list is read through the visits' index on the patient, one
//! doctor's (`doctor_id`) through the index on the doctor, the doctor and patient name filters
//! are answered from the doctors and patients they match, and dates and the time order from
//! the visits counted per day (see [`qhealth::lists`]).
//!
//! The page reads the doctor's sub-object from its own joins and the versions of both
//! collections it depends on: visits, and users (the name filters look at profiles).

use chrono_tz::Tz;
use qhealth::collection_version;
use qhealth::error::{ApiError, FieldErrors};
use qhealth::http::QueryParams;
use qhealth::lists::keys::{DoctorText, KeyFilter, ProfileField, ProfileText};
use qhealth::lists::{
    CountedList, DatedQuery, Days, Direction, KeyColumn, ListQuery, PageSql, Scope, Slice,
    SliceCondition, Table, TimeRange, Timeline,
};
use qhealth::page::filters::DateTimeOrder;
use qhealth::page::{CountCache, PageRequest, filters};
use sqlx::MySqlConnection;

use crate::visit::{BOOKED, CANCELLED, VisitRow, visit_columns, visit_joins};

static VISITS: Table = Table {
    from: "doctor_visits v",
    id: "v.id",
    all: CountedList("doctor_visits"),
    collections: &["booking_doctor", "users"],
};

const BOOKED_VISITS: CountedList = CountedList("doctor_visits:booked");
const CANCELLED_VISITS: CountedList = CountedList("doctor_visits:cancelled");

static PATIENT: KeyColumn = KeyColumn {
    column: "v.user_id",
    index: "doctor_visits_patient",
    counts: Some("doctor_visits:patient"),
    slice_counts: &[
        (BOOKED_VISITS, "doctor_visits:booked:patient"),
        (CANCELLED_VISITS, "doctor_visits:cancelled:patient"),
    ],
};

/// The patient name filters read a patient's visits through the index that also holds their
/// status, so that a status filter beside them is checked on the index alone.
static PATIENT_WITH_STATUS: KeyColumn = KeyColumn {
    column: "v.user_id",
    index: "doctor_visits_patient_doctor",
    counts: Some("doctor_visits:patient"),
    slice_counts: &[
        (BOOKED_VISITS, "doctor_visits:booked:patient"),
        (CANCELLED_VISITS, "doctor_visits:cancelled:patient"),
    ],
};

static DOCTOR: KeyColumn = KeyColumn {
    column: "v.doctor_id",
    index: "doctor_visits_doctor",
    counts: Some("doctor_visits:doctor"),
    slice_counts: &[
        (BOOKED_VISITS, "doctor_visits:booked:doctor"),
        (CANCELLED_VISITS, "doctor_visits:cancelled:doctor"),
    ],
};

/// The visits of one status: `doctor_visits:booked` or `doctor_visits:cancelled`.
fn status_slice(status: &'static str) -> Slice {
    let counted = if status == BOOKED { BOOKED_VISITS } else { CANCELLED_VISITS };
    Slice {
        counted,
        index: "doctor_visits_status",
        condition: SliceCondition::Text("v.status", status),
    }
}

/// The visits by time: all of them, and each status, counted per day and read along their
/// indexes on (status,) date_time; a patient's through (user_id, date_time), a doctor's through
/// the unique key on (doctor_id, date_time, booked_slot).
static TIMELINE: Timeline = Timeline {
    column: "v.date_time",
    days: Days { counted: CountedList("doctor_visits:day"), index: "doctor_visits_time" },
    slice_days: &[
        (
            BOOKED_VISITS,
            Days {
                counted: CountedList("doctor_visits:booked:day"),
                index: "doctor_visits_status_time",
            },
        ),
        (
            CANCELLED_VISITS,
            Days {
                counted: CountedList("doctor_visits:cancelled:day"),
                index: "doctor_visits_status_time",
            },
        ),
    ],
    untimed: None,
    key_indexes: &[
        ("v.user_id", "doctor_visits_patient_time"),
        ("v.doctor_id", "doctor_visits_doctor_slot"),
    ],
};

/// Visits with their patients and doctors.
static PAGE: PageSql = PageSql {
    columns: concat!(visit_columns!(), ", ", collection_version!("booking_doctor", "users")),
    joins: visit_joins!(),
};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VisitFilter {
    /// Only this patient's visits (a patient's own list).
    patient_id: Option<u64>,
    doctor: DoctorText,
    patient_name: Option<String>,
    patient_surname: Option<String>,
    status: Option<&'static str>,
    /// Only this doctor's visits (the doctor's user id).
    doctor_id: Option<u64>,
    /// `date_from` to `date_to`, as instants.
    range: TimeRange,
    order: DateTimeOrder,
}

impl VisitFilter {
    /// `tz` is the clinic's time zone, in which `date_from` and `date_to` are dates.
    pub fn from_query(
        query: &QueryParams,
        patient_id: Option<u64>,
        tz: Tz,
        errors: &mut FieldErrors,
    ) -> Self {
        let (date_from, date_to) = filters::date_range(query, errors);
        Self {
            patient_id,
            doctor: DoctorText {
                specialty: filters::text(query, "specialty"),
                name: filters::text(query, "doctor_name"),
                surname: filters::text(query, "doctor_surname"),
            },
            patient_name: filters::text(query, "patient_name"),
            patient_surname: filters::text(query, "patient_surname"),
            status: filters::one_of(query, "status", &[BOOKED, CANCELLED], errors),
            doctor_id: filters::id(query, "doctor_id", errors),
            range: TimeRange::clinic_dates(date_from, date_to, tz),
            order: filters::date_time_order(query, errors),
        }
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    fn cache_key(&self) -> String {
        format!("{:?}", Self { order: DateTimeOrder::default(), ..self.clone() })
    }

    fn list_query(&self) -> DatedQuery {
        let patient = ProfileText::new([
            (ProfileField::Name, self.patient_name.clone()),
            (ProfileField::Surname, self.patient_surname.clone()),
        ]);
        let mut key_filters = Vec::new();
        if !self.doctor.is_empty() {
            key_filters.push((KeyFilter::Doctors(self.doctor.clone()), &DOCTOR));
        }
        if !patient.is_empty() {
            key_filters.push((KeyFilter::Profiles(patient), &PATIENT_WITH_STATUS));
        }
        let list = ListQuery {
            table: &VISITS,
            slice: self.status.map(status_slice),
            scope: self.patient_id.map(|id| Scope { key: &PATIENT, id }),
            filters: key_filters,
            direction: Direction::newest_first(self.order.newest_first),
            cache_key: self.cache_key(),
        };
        DatedQuery {
            list,
            timeline: &TIMELINE,
            by_time: self.order.by_time,
            range: self.range,
            key: self.doctor_id.map(|id| Scope { key: &DOCTOR, id }),
        }
    }

    /// One page of visits with their patients and doctors, and the list's total.
    pub async fn read(
        &self,
        db: &mut MySqlConnection,
        counts: &CountCache,
        request: PageRequest,
    ) -> Result<(Vec<VisitRow>, u64), ApiError> {
        self.list_query().read(db, counts, request, &PAGE).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::NaiveDate;

    fn filter(query: &str) -> Result<VisitFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let query = QueryParams::parse(query);
        let filter =
            VisitFilter::from_query(&query, None, chrono_tz::Europe::Stockholm, &mut errors);
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }

    #[test]
    fn status_and_order_accept_exactly_the_listed_values() {
        assert_eq!(filter("status=booked").unwrap().status, Some(BOOKED));
        assert_eq!(filter("status=cancelled").unwrap().status, Some(CANCELLED));
        assert!(filter("order=-id").unwrap().order.newest_first);
        assert!(!filter("order=id").unwrap().order.newest_first);
        let by_time = filter("order=-date_time").unwrap().order;
        assert!(by_time.by_time && by_time.newest_first);
        let errors = filter("status=Booked&order=created_at").unwrap_err();
        assert!(errors.get("status").is_some() && errors.get("order").is_some());
    }

    #[test]
    fn the_order_shares_the_cached_total() {
        assert_eq!(filter("order=-id").unwrap().cache_key(), filter("").unwrap().cache_key());
        assert_eq!(
            filter("order=-date_time&date_from=2027-01-01").unwrap().cache_key(),
            filter("date_from=2027-01-01").unwrap().cache_key()
        );
        assert_ne!(filter("status=booked").unwrap().cache_key(), filter("").unwrap().cache_key());
        assert_ne!(filter("doctor_id=5").unwrap().cache_key(), filter("").unwrap().cache_key());
        assert_ne!(
            filter("date_to=2027-01-01").unwrap().cache_key(),
            filter("date_to=2027-01-02").unwrap().cache_key()
        );
    }

    #[test]
    fn filters_become_slices_scopes_and_key_filters() {
        let all = filter("specialty=card&patient_surname=lind&status=cancelled").unwrap();
        let query = all.list_query();
        assert_eq!(
            query.list.slice.map(|s| s.counted),
            Some(CountedList("doctor_visits:cancelled"))
        );
        assert_eq!(query.list.filters.len(), 2);
        assert!(!query.by_time && query.range.is_all() && query.key.is_none());
        let own = VisitFilter { patient_id: Some(7), ..filter("").unwrap() }.list_query();
        assert_eq!(own.list.scope.map(|s| s.id), Some(7));
        assert!(own.list.filters.is_empty() && own.list.slice.is_none());
    }

    #[test]
    fn a_doctor_s_day_is_a_key_a_range_of_clinic_time_and_the_time_order() {
        let day = filter("date_from=2027-03-28&date_to=2027-03-28&doctor_id=12&order=date_time")
            .unwrap()
            .list_query();
        assert_eq!(day.key.map(|key| (key.key.column, key.id)), Some(("v.doctor_id", 12)));
        assert!(day.by_time && day.list.direction == Direction::Ascending);
        // The spring-forward day in Stockholm: 23 hours, from 23:00 UTC the day before.
        let utc =
            |d: u32, h: u32| NaiveDate::from_ymd_opt(2027, 3, d).unwrap().and_hms_opt(h, 0, 0);
        assert_eq!(day.range, TimeRange { from: utc(27, 23), to: utc(28, 22) });
    }

    #[test]
    fn malformed_dates_and_doctors_name_their_parameter() {
        for (query, name) in [
            ("date_from=2027-13-01", "date_from"),
            ("date_to=tomorrow", "date_to"),
            ("date_from=2027-03-02&date_to=2027-03-01", "date_to"),
            ("doctor_id=0", "doctor_id"),
            ("doctor_id=karin", "doctor_id"),
        ] {
            assert!(filter(query).unwrap_err().get(name).is_some(), "{query}");
        }
    }
}
