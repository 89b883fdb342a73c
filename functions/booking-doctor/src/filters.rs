//! The filters of the visit list (API.md, "Doctor visits"), as one statement each for the page
//! and the total.
//!
//! The page reads the doctor's sub-object from its own joins and the versions of both
//! collections it depends on: visits, and users (the name filters look at profiles).

use qhealth::collection_version;
use qhealth::error::FieldErrors;
use qhealth::http::QueryParams;
use qhealth::page::{PageRequest, Versioned, filters, sql};
use sqlx::{MySql, MySqlConnection, QueryBuilder};

use crate::visit::{BOOKED, CANCELLED, VisitRow, visit_columns, visit_tables};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VisitFilter {
    /// Only this patient's visits (a patient's own list).
    patient_id: Option<u64>,
    specialty: Option<String>,
    doctor_name: Option<String>,
    doctor_surname: Option<String>,
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
            specialty: filters::text(query, "specialty"),
            doctor_name: filters::text(query, "doctor_name"),
            doctor_surname: filters::text(query, "doctor_surname"),
            patient_name: filters::text(query, "patient_name"),
            patient_surname: filters::text(query, "patient_surname"),
            status: filters::one_of(query, "status", &[BOOKED, CANCELLED], errors),
            newest_first: filters::newest_first(query, errors),
        }
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    pub fn cache_key(&self) -> String {
        format!("{:?}", Self { newest_first: false, ..self.clone() })
    }

    fn filters_doctor(&self) -> bool {
        self.specialty.is_some() || self.doctor_name.is_some() || self.doctor_surname.is_some()
    }

    fn filters_patient(&self) -> bool {
        self.patient_name.is_some() || self.patient_surname.is_some()
    }

    /// For the total: the patient's profile `p`, joined only when a patient filter needs it
    /// (the page joins it anyway, for the patient it shows).
    fn push_patient_join(&self, query: &mut QueryBuilder<MySql>) {
        if self.filters_patient() {
            query.push(" JOIN profiles p ON p.user_id = v.user_id");
        }
    }

    fn push_conditions(&self, query: &mut QueryBuilder<MySql>) {
        query.push(" WHERE TRUE");
        if let Some(patient_id) = self.patient_id {
            query.push(" AND v.user_id = ").push_bind(patient_id);
        }
        if let Some(status) = self.status {
            query.push(" AND v.status = ").push_bind(status);
        }
        sql::push_contains(
            query,
            &[
                ("dr.specialty", &self.specialty),
                ("dp.name", &self.doctor_name),
                ("dp.surname", &self.doctor_surname),
                ("p.name", &self.patient_name),
                ("p.surname", &self.patient_surname),
            ],
        );
    }

    /// The total; the doctor's and the patient's tables are joined only when a filter reads
    /// them (every visit has both, with profiles, so they never change a total otherwise).
    pub async fn count(&self, db: &mut MySqlConnection) -> Result<u64, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT COUNT(*) FROM doctor_visits v");
        if self.filters_doctor() {
            query.push(
                " JOIN profiles dp ON dp.user_id = v.doctor_id \
                 LEFT JOIN roles dr ON dr.user_id = v.doctor_id",
            );
        }
        self.push_patient_join(&mut query);
        self.push_conditions(&mut query);
        sql::count(&mut query, db).await
    }

    /// One page of visits with their patients and doctors, each row with the summed version of
    /// visits and users (for the cached total).
    pub async fn page(
        &self,
        db: &mut MySqlConnection,
        request: PageRequest,
    ) -> Result<Vec<Versioned<VisitRow>>, sqlx::Error> {
        let mut query = QueryBuilder::new(concat!(
            "SELECT ",
            visit_columns!(),
            ", ",
            collection_version!("booking_doctor", "users"),
            " ",
            visit_tables!()
        ));
        self.push_conditions(&mut query);
        query.push(if self.newest_first { " ORDER BY v.id DESC" } else { " ORDER BY v.id" });
        sql::push_page(&mut query, request);
        query.build_query_as().fetch_all(db).await
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
    fn every_filter_adds_a_bound_condition_and_no_user_text() {
        let f = filter(
            "specialty=a'b&doctor_name=c&doctor_surname=d&patient_name=e&patient_surname=f\
             &status=booked",
        )
        .unwrap();
        let f = VisitFilter { patient_id: Some(7), ..f };
        let mut query = QueryBuilder::<MySql>::new("SELECT 1 FROM x");
        f.push_patient_join(&mut query);
        f.push_conditions(&mut query);
        let sql = query.sql().as_str().to_owned();
        assert!(!sql.contains("a'b"), "user text never enters the SQL: {sql}");
        assert!(sql.contains("JOIN profiles p "), "{sql}");
        assert_eq!(sql.matches('?').count(), 7, "{sql}");
    }

    #[test]
    fn the_patient_profile_is_joined_only_for_patient_filters() {
        let mut query = QueryBuilder::<MySql>::new("SELECT 1 FROM x");
        filter("specialty=x").unwrap().push_patient_join(&mut query);
        assert!(!query.sql().as_str().contains("profiles p "));
    }
}
