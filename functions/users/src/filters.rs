//! The filters of the user and patient lists (API.md, "User and patient filters"), as a
//! [`ListQuery`] on the users: the patients are a slice the schema counts on its own, the text
//! filters are answered from the profiles' suffixes, and the birth date and gender filters from
//! the profiles' indexes (see [`qhealth::lists`]).

use chrono::NaiveDate;
use qhealth::error::{ApiError, FieldErrors};
use qhealth::http::QueryParams;
use qhealth::lists::keys::{KeyFilter, ProfileFacts, ProfileField, ProfileText};
use qhealth::lists::{
    CountedList, Direction, KeyColumn, ListQuery, PageSql, Slice, SliceCondition, Table,
};
use qhealth::page::{CountCache, PageRequest, filters};
use qhealth::users::UserRow;
use qhealth::validate::rules::latest_birth_date_for_age;
use qhealth::{collection_version, user_columns};
use sqlx::MySqlConnection;

static USERS: Table =
    Table { from: "users u", id: "u.id", all: CountedList("users"), collections: &["users"] };

/// The users list's keys are its own rows.
static USER: KeyColumn =
    KeyColumn { column: "u.id", index: "PRIMARY", counts: None, slice_counts: &[] };

/// The patients: no staff flag, no superuser flag, no staff role (checked row by row, as
/// [`KeyFilter::push_condition`] explains).
const PATIENTS: Slice = Slice {
    counted: CountedList("patients"),
    index: "PRIMARY",
    condition: SliceCondition::Sql(
        "u.is_superuser = FALSE AND u.is_staff = FALSE \
         AND (SELECT 1 FROM roles ur WHERE ur.user_id = u.id LIMIT 1) IS NULL",
    ),
};

/// Users with their profiles and staff roles.
static PAGE: PageSql = PageSql {
    columns: concat!(user_columns!(), ", ", collection_version!("users")),
    joins: "JOIN profiles p ON p.user_id = u.id LEFT JOIN roles r ON r.user_id = u.id",
};

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
    fn cache_key(&self) -> String {
        format!("{self:?}")
    }

    fn list_query(&self) -> ListQuery {
        let mut key_filters = Vec::new();
        let text = ProfileText::new([
            (ProfileField::Name, self.name.clone()),
            (ProfileField::Surname, self.surname.clone()),
            (ProfileField::City, self.city.clone()),
            (ProfileField::Country, self.country.clone()),
        ]);
        if !text.is_empty() {
            key_filters.push((KeyFilter::Profiles(text), &USER));
        }
        let facts = ProfileFacts {
            gender: self.gender,
            date_of_birth: self.date_of_birth,
            born_on_or_before: self.born_on_or_before,
            born_after: self.born_after,
        };
        if !facts.is_empty() {
            key_filters.push((KeyFilter::Facts(facts), &USER));
        }
        ListQuery {
            table: &USERS,
            slice: self.patients_only.then_some(PATIENTS),
            scope: None,
            filters: key_filters,
            direction: Direction::Ascending,
            cache_key: self.cache_key(),
        }
    }

    /// One page of users with their profiles, and the list's total.
    pub async fn read(
        &self,
        db: &mut MySqlConnection,
        counts: &CountCache,
        request: PageRequest,
    ) -> Result<(Vec<UserRow>, u64), ApiError> {
        self.list_query().read(db, counts, request, &PAGE).await
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
    fn text_and_facts_become_two_key_filters_and_patients_a_slice() {
        let f = filter("icontains_name=a'b&icontains_city=d&gender=Male&min_age=1").unwrap();
        let query = UserFilter { patients_only: true, ..f }.list_query();
        assert_eq!(query.filters.len(), 2);
        assert!(
            matches!(&query.filters[1].0, KeyFilter::Facts(facts) if facts.gender == Some("Male"))
        );
        assert_eq!(query.slice.map(|slice| slice.counted), Some(CountedList("patients")));
        assert!(filter("").unwrap().list_query().filters.is_empty());
    }
}
