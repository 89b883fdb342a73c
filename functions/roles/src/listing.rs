//! Reading staff members: a roles row with its user, one at a time or a page at a time, and the
//! filters of the staff and doctor lists (API.md, "Roles").

use qhealth::error::FieldErrors;
use qhealth::http::QueryParams;
use qhealth::lists::keys::{KeyFilter, ProfileField, ProfileText};
use qhealth::page::{PageRequest, Versioned, filters, sql};
use qhealth::users::UserRow;
use qhealth::{collection_version, user_columns, user_tables};
use sqlx::{MySql, MySqlConnection, MySqlPool, QueryBuilder};

/// The roles row's own columns, beside [`user_columns!`] (whose `r` is that row).
macro_rules! role_columns {
    () => {
        "r.id AS role_id, r.role AS role_name, r.specialty, r.is_available_for_booking"
    };
}

/// A staff member: their roles row and their user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleRow {
    pub role_id: u64,
    pub role_name: String,
    pub specialty: Option<String>,
    pub is_available_for_booking: bool,
    #[sqlx(flatten)]
    pub user: UserRow,
}

impl RoleRow {
    pub fn is_doctor(&self) -> bool {
        self.role_name == "doctor"
    }
}

/// One staff member by roles row id, if there is one.
pub async fn find(db: &MySqlPool, role_id: u64) -> Result<Option<RoleRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        role_columns!(),
        ", ",
        user_columns!(),
        " ",
        user_tables!(),
        " WHERE r.id = ?"
    ))
    .bind(role_id)
    .fetch_optional(db)
    .await
}

/// The orders the lists accept: by roles row id, either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    Id,
    IdDescending,
}

impl Order {
    fn from_query(query: &QueryParams, errors: &mut FieldErrors) -> Self {
        if filters::newest_first(query, errors) { Self::IdDescending } else { Self::Id }
    }

    fn sql(self) -> &'static str {
        match self {
            Self::Id => " ORDER BY r.id",
            Self::IdDescending => " ORDER BY r.id DESC",
        }
    }
}

/// The filters of `GET /roles` and `GET /roles/doctor_list`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RoleFilter {
    doctors_only: bool,
    role: Option<String>,
    specialty: Option<String>,
    name: Option<String>,
    surname: Option<String>,
}

impl RoleFilter {
    /// The filter and the order a query asks for; malformed values are noted in `errors`.
    pub fn from_query(
        query: &QueryParams,
        doctors_only: bool,
        errors: &mut FieldErrors,
    ) -> (Self, Order) {
        let filter = Self {
            doctors_only,
            role: filters::text(query, "icontains_role"),
            specialty: filters::text(query, "icontains_specialty"),
            name: filters::text(query, "icontains_name"),
            surname: filters::text(query, "icontains_surname"),
        };
        (filter, Order::from_query(query, errors))
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    pub fn cache_key(&self) -> String {
        format!("{self:?}")
    }

    /// ` WHERE <conditions on the roles row r>`: the staff table is small (the clinic's staff,
    /// hundreds), so it is read in id order and each row checked; the name filters look at the
    /// member's profile through its suffixes, like every other name filter.
    fn push_conditions(&self, query: &mut QueryBuilder<MySql>) {
        query.push(" WHERE TRUE");
        if self.doctors_only {
            query.push(" AND r.role = 'doctor'");
        }
        sql::push_contains(query, &[("r.role", &self.role), ("r.specialty", &self.specialty)]);
        let names = ProfileText::new([
            (ProfileField::Name, self.name.clone()),
            (ProfileField::Surname, self.surname.clone()),
        ]);
        if !names.is_empty() {
            KeyFilter::Profiles(names).push_condition(query, "r.user_id");
        }
    }

    pub async fn count(&self, db: &mut MySqlConnection) -> Result<u64, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT COUNT(*) FROM roles r");
        self.push_conditions(&mut query);
        sql::count(&mut query, db).await
    }

    /// One page, each row with the version of the `users` collection: staff members come and
    /// go with their accounts, and the name filters read profiles. The page's roles rows are
    /// chosen first, then joined to their users.
    pub async fn page(
        &self,
        db: &mut MySqlConnection,
        order: Order,
        request: PageRequest,
    ) -> Result<Vec<Versioned<RoleRow>>, sqlx::Error> {
        let mut query = QueryBuilder::new(concat!(
            "SELECT ",
            role_columns!(),
            ", ",
            user_columns!(),
            ", ",
            collection_version!("users"),
            " FROM (SELECT r.id FROM roles r"
        ));
        self.push_conditions(&mut query);
        query.push(order.sql());
        sql::push_page(&mut query, request);
        query.push(
            ") page STRAIGHT_JOIN roles r ON r.id = page.id \
             JOIN users u ON u.id = r.user_id JOIN profiles p ON p.user_id = r.user_id",
        );
        query.push(order.sql());
        query.build_query_as().fetch_all(db).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str, doctors_only: bool) -> Result<(RoleFilter, Order), FieldErrors> {
        let mut errors = FieldErrors::new();
        let parsed = RoleFilter::from_query(&QueryParams::parse(query), doctors_only, &mut errors);
        if errors.is_empty() { Ok(parsed) } else { Err(errors) }
    }

    #[test]
    fn only_the_two_id_orders_are_accepted() {
        assert_eq!(parse("", false).unwrap().1, Order::Id);
        assert_eq!(parse("order=id", false).unwrap().1, Order::Id);
        assert_eq!(parse("order=-id", false).unwrap().1, Order::IdDescending);
        for bad in ["order=name", "order=ID", "order=--id"] {
            assert!(parse(bad, false).unwrap_err().get("order").is_some(), "{bad}");
        }
    }

    #[test]
    fn every_filter_adds_a_bound_condition_and_no_user_text() {
        let (filter, _) = parse(
            "icontains_role=d'oc&icontains_specialty=card&icontains_name=a&icontains_surname=b",
            true,
        )
        .unwrap();
        let mut query = QueryBuilder::<MySql>::new("SELECT 1 FROM x");
        filter.push_conditions(&mut query);
        let sql = query.sql().as_str().to_owned();
        assert!(!sql.contains("d'oc"), "user text never enters the SQL: {sql}");
        // role and specialty; name and surname, each a field and a pattern
        assert_eq!(sql.matches('?').count(), 6, "{sql}");
        assert!(sql.contains("r.role = 'doctor'"), "{sql}");
    }

    #[test]
    fn the_two_lists_never_share_a_cached_total() {
        let (staff, _) = parse("icontains_name=a", false).unwrap();
        let (doctors, _) = parse("icontains_name=a", true).unwrap();
        assert_ne!(staff.cache_key(), doctors.cache_key());
        let (ordered, _) = parse("icontains_name=a&order=-id", false).unwrap();
        assert_eq!(staff.cache_key(), ordered.cache_key(), "the order does not change a total");
    }
}
