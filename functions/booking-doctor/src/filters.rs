//! The filters of the visit list (API.md, "Doctor visits"), as a [`ListQuery`] on the visits:
//! the booked or the cancelled ones are slices the schema counts on their own, a patient's own
//! list is read through the visits' index on the patient, and the doctor and patient filters
//! are answered from the doctors and patients they match (see [`qhealth::lists`]).
//!
//! The page reads the doctor's sub-object from its own joins and the versions of both
//! collections it depends on: visits, and users (the name filters look at profiles).

use qhealth::collection_version;
use qhealth::error::{ApiError, FieldErrors};
use qhealth::http::QueryParams;
use qhealth::lists::keys::{DoctorText, KeyFilter, ProfileField, ProfileText};
use qhealth::lists::{
    CountedList, Direction, KeyColumn, ListQuery, PageSql, Scope, Slice, SliceCondition, Table,
};
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
    newest_first: bool,
}

impl VisitFilter {
    pub fn from_query(
        query: &QueryParams,
        patient_id: Option<u64>,
        errors: &mut FieldErrors,
    ) -> Self {
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
            newest_first: filters::newest_first(query, errors),
        }
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    fn cache_key(&self) -> String {
        format!("{:?}", Self { newest_first: false, ..self.clone() })
    }

    fn list_query(&self) -> ListQuery {
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
        ListQuery {
            table: &VISITS,
            slice: self.status.map(status_slice),
            scope: self.patient_id.map(|id| Scope { key: &PATIENT, id }),
            filters: key_filters,
            direction: Direction::newest_first(self.newest_first),
            cache_key: self.cache_key(),
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

    fn filter(query: &str) -> Result<VisitFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let filter = VisitFilter::from_query(&QueryParams::parse(query), None, &mut errors);
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }

    #[test]
    fn status_and_order_accept_exactly_the_listed_values() {
        assert_eq!(filter("status=booked").unwrap().status, Some(BOOKED));
        assert_eq!(filter("status=cancelled").unwrap().status, Some(CANCELLED));
        assert!(filter("order=-id").unwrap().newest_first);
        assert!(!filter("order=id").unwrap().newest_first);
        let errors = filter("status=Booked&order=date_time").unwrap_err();
        assert!(errors.get("status").is_some() && errors.get("order").is_some());
    }

    #[test]
    fn the_order_shares_the_cached_total() {
        assert_eq!(filter("order=-id").unwrap().cache_key(), filter("").unwrap().cache_key());
        assert_ne!(filter("status=booked").unwrap().cache_key(), filter("").unwrap().cache_key());
    }

    #[test]
    fn filters_become_slices_scopes_and_key_filters() {
        let all = filter("specialty=card&patient_surname=lind&status=cancelled").unwrap();
        let query = all.list_query();
        assert_eq!(query.slice.map(|s| s.counted), Some(CountedList("doctor_visits:cancelled")));
        assert_eq!(query.filters.len(), 2);
        let own = VisitFilter { patient_id: Some(7), ..filter("").unwrap() }.list_query();
        assert_eq!(own.scope.map(|s| s.id), Some(7));
        assert!(own.filters.is_empty() && own.slice.is_none());
    }
}
