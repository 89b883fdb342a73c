//! The filters of the booking list (`diagnostic_service`, `patient_name`, `patient_surname`,
//! `order`) and a patient's scope, as one statement each for the page and the total.

use qhealth::collection_version;
use qhealth::error::FieldErrors;
use qhealth::http::QueryParams;
use qhealth::page::{PageRequest, Versioned, filters, sql};
use sqlx::{MySql, MySqlConnection, QueryBuilder};

use crate::BookingRow;

/// The booking tables and the patient's profile, which the name filters read.
const TABLES: &str =
    concat!(booking_tables!(), " STRAIGHT_JOIN profiles p ON p.user_id = b.user_id");

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
    pub fn cache_key(&self) -> String {
        format!(
            "{:?}",
            (self.patient_id, &self.modality, &self.patient_name, &self.patient_surname)
        )
    }

    fn push_conditions(&self, query: &mut QueryBuilder<MySql>) {
        query.push(" WHERE TRUE");
        if let Some(patient_id) = self.patient_id {
            query.push(" AND b.user_id = ").push_bind(patient_id);
        }
        sql::push_contains(
            query,
            &[
                ("d.modality", &self.modality),
                ("p.name", &self.patient_name),
                ("p.surname", &self.patient_surname),
            ],
        );
    }

    pub async fn count(&self, db: &mut MySqlConnection) -> Result<u64, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT COUNT(*) ");
        query.push(TABLES);
        self.push_conditions(&mut query);
        sql::count(&mut query, db).await
    }

    /// One page. Its version sums the collections the filters read: bookings, modalities
    /// (their names) and users (the patients' names).
    pub async fn page(
        &self,
        db: &mut MySqlConnection,
        request: PageRequest,
    ) -> Result<Vec<Versioned<BookingRow>>, sqlx::Error> {
        let mut query = QueryBuilder::new(concat!(
            "SELECT ",
            booking_columns!(),
            ", ",
            collection_version!("booking_diagnostic", "users", "diagnostics"),
            " "
        ));
        query.push(TABLES);
        self.push_conditions(&mut query);
        query.push(if self.newest_first { " ORDER BY b.id DESC" } else { " ORDER BY b.id" });
        sql::push_page(&mut query, request);
        query.build_query_as().fetch_all(db).await
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
    fn every_filter_adds_a_bound_condition_and_no_user_text() {
        let f = filter("diagnostic_service=m'r&patient_name=a&patient_surname=b", Some(3)).unwrap();
        let mut query = QueryBuilder::<MySql>::new("SELECT 1 FROM x");
        f.push_conditions(&mut query);
        let sql = query.sql().as_str().to_owned();
        assert!(!sql.contains("m'r"), "{sql}");
        assert_eq!(sql.matches('?').count(), 4, "{sql}");
    }
}
