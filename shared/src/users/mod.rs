//! The User/Profile read model: almost every object embeds a user, so reading one (or a page of
//! them) and showing it lives here; [`account`] writes them.

pub mod account;
pub mod docs;
pub mod superuser;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::QueryBuilder;

use crate::access::{Actor, Role, TargetAccount};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::validate::rules::age_on;

/// Every user and profile column (and the staff role), for [`UserRow`]; a literal, so that
/// queries can be composed with `concat!`.
#[macro_export]
macro_rules! user_columns {
    () => {
        "u.id, u.email, u.pending_email, u.is_active, u.is_staff, u.is_superuser, \
         u.last_login, u.created_at, u.updated_at, r.role AS staff_role, \
         p.id AS profile_id, p.name, p.surname, p.phone_number, p.date_of_birth, p.height, \
         p.weight, p.street, p.house, p.city, p.region, p.country, p.gender, \
         p.created_at AS profile_created_at, p.updated_at AS profile_updated_at"
    };
}

/// The tables behind [`user_columns!`], aliased `u`, `p` and `r`.
#[macro_export]
macro_rules! user_tables {
    () => {
        "FROM users u JOIN profiles p ON p.user_id = u.id LEFT JOIN roles r ON r.user_id = u.id"
    };
}

/// `SELECT <user columns> FROM <user tables>`.
#[macro_export]
macro_rules! user_select {
    () => {
        concat!("SELECT ", $crate::user_columns!(), " ", $crate::user_tables!())
    };
}

/// `WHERE` condition (on [`user_select!`]'s aliases) of a patient: no staff flag, no staff role.
pub const IS_PATIENT: &str = "(u.is_superuser = FALSE AND u.is_staff = FALSE AND r.id IS NULL)";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: u64,
    pub email: String,
    pub pending_email: Option<String>,
    pub is_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub last_login: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub staff_role: Option<String>,
    pub profile_id: u64,
    pub name: String,
    pub surname: String,
    pub phone_number: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub height: Option<u16>,
    pub weight: Option<u16>,
    pub street: Option<String>,
    pub house: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub gender: Option<String>,
    pub profile_created_at: DateTime<Utc>,
    pub profile_updated_at: DateTime<Utc>,
}

/// Eva Lind, the patient of the API document's examples, as staff and she herself see her: the
/// example of `User`, and the patient of every example booking, visit, journal entry and
/// prescription, so that the document shows one person throughout.
pub fn example_patient() -> serde_json::Value {
    serde_json::json!({
        "id": 7, "email": "eva@example.com", "pending_email": null, "is_active": true,
        "is_staff": false, "is_superuser": false, "last_login": "2026-01-02T10:00:00Z",
        "created_at": "2025-12-01T08:00:00Z", "updated_at": "2026-01-02T10:00:00Z",
        "profile": {"id": 7, "name": "Eva", "surname": "Lind", "phone_number": "+46701234567",
                    "date_of_birth": "1985-09-22", "age": 41, "height": 170, "weight": 60,
                    "street": "Storgatan", "house": "12B", "city": "Malmö", "region": "Skåne",
                    "country": "Sweden", "gender": "Female", "created_at": "2025-12-01T08:00:00Z",
                    "updated_at": "2026-01-02T10:00:00Z"}
    })
}

/// A user as the API shows them (API.md, "Objects"); the password is never shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(example = example_patient)]
pub struct User {
    pub id: u64,
    pub email: String,
    /// A new address waiting for its verification link. Shown only to staff and to the user
    /// themself (absent for everyone else).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub pending_email: Option<Option<String>>,
    pub is_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub last_login: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub profile: Profile,
}

/// A user's profile. A patient looking at a staff member sees only name, surname and gender:
/// the other personal fields are `null`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Profile {
    pub id: u64,
    pub name: String,
    pub surname: String,
    pub phone_number: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub age: Option<u32>,
    pub height: Option<u16>,
    pub weight: Option<u16>,
    pub street: Option<String>,
    pub house: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub gender: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who is looking, for the parts of a user not everyone may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Viewer {
    pub user_id: Option<u64>,
    pub is_staff: bool,
    /// A patient sees the clinic's staff only as far as [`User::without_private_details`].
    pub is_patient: bool,
}

impl Viewer {
    /// The user themself (registration, activation, password reset answers).
    pub fn owner(user_id: u64) -> Self {
        Self { user_id: Some(user_id), is_staff: false, is_patient: false }
    }

    fn sees_private_fields_of(&self, user_id: u64) -> bool {
        self.is_staff || self.user_id == Some(user_id)
    }

    /// Whether a staff member's private details are hidden from this viewer.
    pub fn sees_only_public_details_of(&self, staff_member: u64) -> bool {
        self.is_patient && self.user_id != Some(staff_member)
    }

    /// This viewer as far as an object showing the users `people` can tell: what a viewer sees
    /// of a user depends on the viewer's own id only where it is that user's id (the methods
    /// above), so outside `people` the id is dropped, and viewers who would see the object alike
    /// become equal. Live updates render an object once per such viewer, not once per
    /// subscriber.
    pub fn as_seen_in(self, people: &[u64]) -> Self {
        let user_id = self.user_id.filter(|id| !self.is_staff && people.contains(id));
        Self { user_id, ..self }
    }
}

impl From<Actor> for Viewer {
    fn from(actor: Actor) -> Self {
        Self {
            user_id: Some(actor.user_id),
            is_staff: actor.role.is_staff(),
            is_patient: actor.role == Role::Patient,
        }
    }
}

impl From<&Caller> for Viewer {
    fn from(caller: &Caller) -> Self {
        Self::from(caller.actor())
    }
}

impl User {
    /// The user as someone outside the clinic's staff sees a staff member (a patient looking at
    /// a doctor, or at whoever booked them): name, surname, gender and e-mail address; the
    /// private profile fields (phone, date of birth and age, height, weight, address) are
    /// `null`, so the JSON keeps its shape.
    pub fn without_private_details(mut self) -> Self {
        let profile = &mut self.profile;
        profile.phone_number = None;
        profile.date_of_birth = None;
        profile.age = None;
        profile.height = None;
        profile.weight = None;
        profile.street = None;
        profile.house = None;
        profile.city = None;
        profile.region = None;
        profile.country = None;
        self.pending_email = None;
        self
    }
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::of(self.is_superuser, self.is_staff, self.staff_role.as_deref())
    }

    pub fn is_patient(&self) -> bool {
        self.role() == Role::Patient
    }

    pub fn as_target(&self) -> TargetAccount {
        TargetAccount { user_id: self.id, is_staff: self.is_staff, is_superuser: self.is_superuser }
    }

    /// The user as `viewer` may see them; ages are counted on `today` (the clinic's date).
    pub fn view(self, viewer: Viewer, today: NaiveDate) -> User {
        let pending_email = viewer.sees_private_fields_of(self.id).then_some(self.pending_email);
        User {
            id: self.id,
            email: self.email,
            pending_email,
            is_active: self.is_active,
            is_staff: self.is_staff,
            is_superuser: self.is_superuser,
            last_login: self.last_login,
            created_at: self.created_at,
            updated_at: self.updated_at,
            profile: Profile {
                id: self.profile_id,
                name: self.name,
                surname: self.surname,
                phone_number: self.phone_number,
                age: self.date_of_birth.map(|born| age_on(born, today)),
                date_of_birth: self.date_of_birth,
                height: self.height,
                weight: self.weight,
                street: self.street,
                house: self.house,
                city: self.city,
                region: self.region,
                country: self.country,
                gender: self.gender,
                created_at: self.profile_created_at,
                updated_at: self.profile_updated_at,
            },
        }
    }
}

/// One user, if they exist.
pub async fn find(
    executor: impl sqlx::MySqlExecutor<'_>,
    id: u64,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(concat!(user_select!(), " WHERE u.id = ?"))
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// The answer to a `user_id` that names no patient (or names a patient whose account has just
/// been deleted).
pub const NO_SUCH_PATIENT: &str = "Choose a patient: there is no patient with this id.";

/// The patient a booking or record names in its `field` (`user_id`): a 400 naming that field
/// when the id is not a patient's, as API.md asks of references to the wrong kind of user.
pub async fn find_patient(
    executor: impl sqlx::MySqlExecutor<'_>,
    id: u64,
    field: &str,
) -> Result<UserRow, ApiError> {
    match find(executor, id).await? {
        Some(user) if user.is_patient() => Ok(user),
        _ => Err(ApiError::field(field, NO_SUCH_PATIENT)),
    }
}

/// One user, locked until the transaction ends: read this before changing an account.
pub async fn find_for_update(
    conn: &mut sqlx::MySqlConnection,
    id: u64,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(concat!(user_select!(), " WHERE u.id = ? FOR UPDATE"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Several users in one statement, by id: how lists embed the users their rows refer to.
pub async fn find_many(
    executor: impl sqlx::MySqlExecutor<'_>,
    ids: &[u64],
) -> Result<HashMap<u64, UserRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut query = QueryBuilder::new(concat!(user_select!(), " WHERE u.id IN "));
    crate::db::push_id_list(&mut query, ids.iter().copied());
    let rows: Vec<UserRow> = query.build_query_as().fetch_all(executor).await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}
