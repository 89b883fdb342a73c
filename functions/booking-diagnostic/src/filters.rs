//! The filters of the booking list (`diagnostic_service`, `patient_name`, `patient_surname`,
//! `order`) and a patient's scope, as a [`ListQuery`] on the bookings: the modality and patient
//! filters are answered from the modalities and patients they match, a patient's own list
//! through the bookings' index on the patient (see [`qhealth::lists`]).

use qhealth::collection_version;
use qhealth::error::{ApiError, FieldErrors};
use qhealth::http::QueryParams;
use qhealth::lists::keys::{KeyFilter, ProfileField, ProfileText};
use qhealth::lists::{CountedList, Direction, KeyColumn, ListQuery, PageSql, Scope, Table};
use qhealth::page::{CountCache, PageRequest, filters};
use sqlx::MySqlConnection;

use crate::BookingRow;

/// Its totals follow the modalities (their names) and the users (the patients' names) too.
static BOOKINGS: Table = Table {
    from: "diagnostic_bookings b",
    id: "b.id",
    all: CountedList("diagnostic_bookings"),
    collections: &["booking_diagnostic", "users", "diagnostics"],
};

static PATIENT: KeyColumn = KeyColumn {
    column: "b.user_id",
    index: "diagnostic_bookings_patient",
    counts: Some("diagnostic_bookings:patient"),
    slice_counts: &[],
};

static MODALITY: KeyColumn = KeyColumn {
    column: "b.diagnostic_id",
    index: "diagnostic_bookings_diagnostic",
    counts: Some("diagnostic_bookings:modality"),
    slice_counts: &[],
};

/// Bookings with their modalities.
static PAGE: PageSql = PageSql {
    columns: concat!(
        booking_columns!(),
        ", ",
        collection_version!("booking_diagnostic", "users", "diagnostics")
    ),
    joins: "JOIN diagnostics d ON d.id = b.diagnostic_id",
};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BookingFilter {
    /// Only this patient's bookings (a patient's own list).
    patient_id: Option<u64>,
    modality: Option<String>,
    patient_name: Option<String>,
    patient_surname: Option<String>,
    newest_first: bool,
}

impl BookingFilter {
    /// `scope` is the caller's list scope: `Some(id)` limits the list to that patient.
    pub fn from_query(query: &QueryParams, scope: Option<u64>, errors: &mut FieldErrors) -> Self {
        Self {
            patient_id: scope,
            modality: filters::text(query, "diagnostic_service"),
            patient_name: filters::text(query, "patient_name"),
            patient_surname: filters::text(query, "patient_surname"),
            newest_first: filters::newest_first(query, errors),
        }
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    fn cache_key(&self) -> String {
        format!(
            "{:?}",
            (self.patient_id, &self.modality, &self.patient_name, &self.patient_surname)
        )
    }

    fn list_query(&self) -> ListQuery {
        let mut key_filters = Vec::new();
        if let Some(modality) = &self.modality {
            key_filters.push((KeyFilter::Modalities(modality.clone()), &MODALITY));
        }
        let patient = ProfileText::new([
            (ProfileField::Name, self.patient_name.clone()),
            (ProfileField::Surname, self.patient_surname.clone()),
        ]);
        if !patient.is_empty() {
            key_filters.push((KeyFilter::Profiles(patient), &PATIENT));
        }
        ListQuery {
            table: &BOOKINGS,
            slice: None,
            scope: self.patient_id.map(|id| Scope { key: &PATIENT, id }),
            filters: key_filters,
            direction: Direction::newest_first(self.newest_first),
            cache_key: self.cache_key(),
        }
    }

    /// One page of bookings with their modalities, and the list's total.
    pub async fn read(
        &self,
        db: &mut MySqlConnection,
        counts: &CountCache,
        request: PageRequest,
    ) -> Result<(Vec<BookingRow>, u64), ApiError> {
        self.list_query().read(db, counts, request, &PAGE).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(query: &str, scope: Option<u64>) -> Result<BookingFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let filter = BookingFilter::from_query(&QueryParams::parse(query), scope, &mut errors);
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }

    #[test]
    fn order_accepts_exactly_id_and_minus_id() {
        assert!(filter("order=-id", None).unwrap().newest_first);
        assert!(!filter("order=id", None).unwrap().newest_first);
        for bad in ["order=date_time", "order=-ID", "order=id,-id"] {
            assert!(filter(bad, None).unwrap_err().get("order").is_some(), "{bad}");
        }
    }

    #[test]
    fn a_patient_s_total_is_their_own() {
        let everyone = filter("patient_name=eva", None).unwrap();
        let own = filter("patient_name=eva", Some(7)).unwrap();
        assert_ne!(everyone.cache_key(), own.cache_key());
        assert_eq!(
            own.cache_key(),
            filter("patient_name=eva&order=-id", Some(7)).unwrap().cache_key()
        );
    }

    #[test]
    fn modality_and_patient_filters_become_key_filters() {
        let f = filter("diagnostic_service=m'r&patient_name=a&patient_surname=b", Some(3)).unwrap();
        let query = f.list_query();
        assert_eq!(query.scope.map(|scope| scope.id), Some(3));
        assert!(matches!(&query.filters[0].0, KeyFilter::Modalities(text) if text == "m'r"));
        assert!(matches!(&query.filters[1].0, KeyFilter::Profiles(_)));
    }
}
