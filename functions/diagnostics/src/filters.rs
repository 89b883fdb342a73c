//! The filters of the modality list (`modality`, `order`), as one statement each for the page
//! and the total.

use qhealth::auth::{AccountChecked, Bearer};
use qhealth::collection_version;
use qhealth::error::FieldErrors;
use qhealth::http::QueryParams;
use qhealth::page::{PageRequest, Versioned, filters, sql};
use sqlx::{MySql, MySqlConnection, QueryBuilder};

use crate::Diagnostic;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DiagnosticFilter {
    modality: Option<String>,
    newest_first: bool,
}

impl DiagnosticFilter {
    pub fn from_query(query: &QueryParams, errors: &mut FieldErrors) -> Self {
        Self {
            modality: filters::text(query, "modality"),
            newest_first: filters::newest_first(query, errors),
        }
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    pub fn cache_key(&self) -> String {
        format!("{:?}", self.modality)
    }

    fn push_conditions(&self, query: &mut QueryBuilder<MySql>) {
        query.push(" WHERE TRUE");
        sql::push_contains(query, &[("modality", &self.modality)]);
    }

    pub async fn count(&self, db: &mut MySqlConnection) -> Result<u64, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT COUNT(*) FROM diagnostics");
        self.push_conditions(&mut query);
        sql::count(&mut query, db).await
    }

    /// One page, each row with the version of the `diagnostics` collection and whether
    /// `bearer`'s account and session are still valid (read in the same statement).
    pub async fn page(
        &self,
        db: &mut MySqlConnection,
        bearer: &Bearer,
        request: PageRequest,
    ) -> Result<Vec<Versioned<AccountChecked<Diagnostic>>>, sqlx::Error> {
        let mut query = QueryBuilder::new(concat!(
            "SELECT id, modality, created_at, updated_at, ",
            collection_version!("diagnostics"),
            ", "
        ));
        bearer.push_account_check(&mut query);
        query.push(" FROM diagnostics");
        self.push_conditions(&mut query);
        query.push(if self.newest_first { " ORDER BY id DESC" } else { " ORDER BY id" });
        sql::push_page(&mut query, request);
        query.build_query_as().fetch_all(db).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(query: &str) -> Result<DiagnosticFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let filter = DiagnosticFilter::from_query(&QueryParams::parse(query), &mut errors);
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }

    #[test]
    fn order_accepts_exactly_id_and_minus_id() {
        assert!(!filter("order=id").unwrap().newest_first);
        assert!(filter("order=-id").unwrap().newest_first);
        assert!(!filter("").unwrap().newest_first);
        for bad in ["order=modality", "order=ID", "order=-created_at"] {
            assert!(filter(bad).unwrap_err().get("order").is_some(), "{bad}");
        }
    }

    #[test]
    fn the_order_shares_the_cached_total_and_user_text_stays_out_of_the_sql() {
        let ascending = filter("modality=mr'i").unwrap();
        let descending = filter("modality=mr'i&order=-id").unwrap();
        assert_eq!(ascending.cache_key(), descending.cache_key());
        assert_ne!(ascending.cache_key(), filter("").unwrap().cache_key());
        let mut query = QueryBuilder::<MySql>::new("SELECT 1 FROM diagnostics");
        ascending.push_conditions(&mut query);
        let sql = query.sql().as_str().to_owned();
        assert!(!sql.contains("mr'i"), "{sql}");
        assert_eq!(sql.matches('?').count(), 1, "{sql}");
    }
}
