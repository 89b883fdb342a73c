//! The filters of the user and patient lists (API.md, "User and patient filters"), as one
//! statement each for the page and the total.

use chrono::NaiveDate;
use qhealth::error::FieldErrors;
use qhealth::http::QueryParams;
use qhealth::page::{PageRequest, Versioned, filters, sql};
use qhealth::users::{IS_PATIENT, UserRow};
use qhealth::validate::rules::latest_birth_date_for_age;
use qhealth::{collection_version, user_columns, user_tables};
use sqlx::{MySql, MySqlConnection, QueryBuilder};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UserFilter {
    patients_only: bool,
    name: Option<String>,
    surname: Option<String>,
    city: Option<String>,
    country: Option<String>,
    gender: Option<&'static str>,
    date_of_birth: Option<NaiveDate>,
    /// From `min_age`: born on or before this day.
    born_on_or_before: Option<NaiveDate>,
    /// From `max_age`: born after this day.
    born_after: Option<NaiveDate>,
}

impl UserFilter {
    /// Ages are whole years on `today`, the clinic's date.
    pub fn from_query(
        query: &QueryParams,
        today: NaiveDate,
        patients_only: bool,
        errors: &mut FieldErrors,
    ) -> Self {
        let min_age = filters::whole_number(query, "min_age", errors);
        let max_age = filters::whole_number(query, "max_age", errors);
        Self {
            patients_only,
            name: filters::text(query, "icontains_name"),
            surname: filters::text(query, "icontains_surname"),
            city: filters::text(query, "icontains_city"),
            country: filters::text(query, "icontains_country"),
            gender: filters::one_of(query, "gender", &["Male", "Female"], errors),
            date_of_birth: filters::date(query, "date_of_birth", errors),
            born_on_or_before: min_age.map(|years| latest_birth_date_for_age(today, years)),
            born_after: max_age
                .map(|years| latest_birth_date_for_age(today, years.saturating_add(1))),
        }
    }

    /// Identifies the filter for cached totals (dates resolved, so a new day is a new key).
    pub fn cache_key(&self) -> String {
        format!("{self:?}")
    }

    fn push_conditions(&self, query: &mut QueryBuilder<MySql>) {
        query.push(" WHERE TRUE");
        if self.patients_only {
            query.push(" AND ").push(IS_PATIENT);
        }
        sql::push_contains(
            query,
            &[
                ("p.name", &self.name),
                ("p.surname", &self.surname),
                ("p.city", &self.city),
                ("p.country", &self.country),
            ],
        );
        if let Some(gender) = self.gender {
            query.push(" AND p.gender = ").push_bind(gender);
        }
        if let Some(date) = self.date_of_birth {
            query.push(" AND p.date_of_birth = ").push_bind(date);
        }
        if let Some(date) = self.born_on_or_before {
            query.push(" AND p.date_of_birth <= ").push_bind(date);
        }
        if let Some(date) = self.born_after {
            query.push(" AND p.date_of_birth > ").push_bind(date);
        }
    }

    pub async fn count(&self, db: &mut MySqlConnection) -> Result<u64, sqlx::Error> {
        let mut query = QueryBuilder::new(concat!("SELECT COUNT(*) ", user_tables!()));
        self.push_conditions(&mut query);
        sql::count(&mut query, db).await
    }

    /// One page, each row with the version of the `users` collection (for the cached total).
    pub async fn page(
        &self,
        db: &mut MySqlConnection,
        request: PageRequest,
    ) -> Result<Vec<Versioned<UserRow>>, sqlx::Error> {
        let mut query = QueryBuilder::new(concat!(
            "SELECT ",
            user_columns!(),
            ", ",
            collection_version!("users"),
            " ",
            user_tables!()
        ));
        self.push_conditions(&mut query);
        query.push(" ORDER BY u.id");
        sql::push_page(&mut query, request);
        query.build_query_as().fetch_all(db).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(query: &str) -> Result<UserFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let filter = UserFilter::from_query(&QueryParams::parse(query), today, false, &mut errors);
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }

    #[test]
    fn ages_become_date_of_birth_bounds() {
        let f = filter("min_age=18&max_age=40").unwrap();
        assert_eq!(f.born_on_or_before, NaiveDate::from_ymd_opt(2008, 11, 26));
        assert_eq!(f.born_after, NaiveDate::from_ymd_opt(1985, 11, 26));
    }

    #[test]
    fn malformed_values_name_their_parameter() {
        let errors =
            filter("min_age=abc&max_age=-1&gender=male&date_of_birth=1990-13-01").unwrap_err();
        for name in ["min_age", "max_age", "gender", "date_of_birth"] {
            assert!(errors.get(name).is_some(), "{name}");
        }
    }

    #[test]
    fn every_filter_adds_a_bound_condition_and_no_user_text() {
        let f = filter(
            "icontains_name=a'b&icontains_surname=c&icontains_city=d&icontains_country=e\
             &gender=Male&date_of_birth=1990-01-01&min_age=1&max_age=2",
        )
        .unwrap();
        let mut query = QueryBuilder::<MySql>::new("SELECT 1 FROM x");
        f.push_conditions(&mut query);
        let sql = query.sql().as_str().to_owned();
        assert!(!sql.contains("a'b"), "user text never enters the SQL: {sql}");
        assert_eq!(sql.matches('?').count(), 8, "{sql}");
    }
}
