//! Writing accounts: the profile fields of a request, checked, and the statements that store a
//! new account or a profile change. Registration and staff creation both come through here.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::MySqlConnection;

use super::UserRow;
use crate::db::is_unique_violation;
use crate::error::{ApiError, FieldErrors};
use crate::validate::{Change, Input, rules};

pub const EMAIL_TAKEN: &str = "A user with this e-mail address already exists.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A new profile: name, surname, phone number, date of birth and gender are required.
    Create,
    /// A partial update: only the fields given change; optional ones can be cleared with null.
    Update,
}

/// The profile fields of a request, valid by construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub surname: Option<String>,
    pub phone_number: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Option<String>,
    pub height: Change<u16>,
    pub weight: Change<u16>,
    pub street: Change<String>,
    pub house: Change<String>,
    pub city: Change<String>,
    pub region: Change<String>,
    pub country: Change<String>,
}

impl ProfileChanges {
    /// Reads a `profile` object; problems are named `profile.<field>`.
    pub fn read(input: &Input<'_>, errors: &mut FieldErrors, today: NaiveDate, mode: Mode) -> Self {
        let dob = |value: &serde_json::Value| rules::date_of_birth(value, today);
        match mode {
            Mode::Create => Self {
                name: input.required("name", errors, rules::person_text),
                surname: input.required("surname", errors, rules::person_text),
                phone_number: input.required("phone_number", errors, rules::phone_number),
                date_of_birth: input.required("date_of_birth", errors, dob),
                gender: input.required("gender", errors, rules::gender),
                ..Self::optional_fields(input, errors)
            },
            Mode::Update => Self {
                name: input.optional("name", errors, rules::person_text),
                surname: input.optional("surname", errors, rules::person_text),
                phone_number: input.optional("phone_number", errors, rules::phone_number),
                date_of_birth: input.optional("date_of_birth", errors, dob),
                gender: input.optional("gender", errors, rules::gender),
                ..Self::optional_fields(input, errors)
            },
        }
    }

    fn optional_fields(input: &Input<'_>, errors: &mut FieldErrors) -> Self {
        Self {
            height: input.nullable("height", errors, rules::height),
            weight: input.nullable("weight", errors, rules::weight),
            street: input.nullable("street", errors, rules::person_text),
            house: input.nullable("house", errors, rules::house),
            city: input.nullable("city", errors, rules::person_text),
            region: input.nullable("region", errors, rules::person_text),
            country: input.nullable("country", errors, rules::person_text),
            ..Self::default()
        }
    }

    /// Whether a list filter could match differently afterwards (so cached totals must go).
    pub fn touches_filtered_fields(&self) -> bool {
        self.name.is_some()
            || self.surname.is_some()
            || self.date_of_birth.is_some()
            || self.gender.is_some()
            || !self.city.is_keep()
            || !self.country.is_keep()
    }
}

/// A new account, not yet stored.
pub struct NewAccount {
    pub email: String,
    /// `None` for a staff member who chooses a password on activation.
    pub password_hash: Option<String>,
    pub profile: ProfileChanges,
}

/// Whether `email` (already lower-cased) belongs to an account other than `except`.
pub async fn email_taken(
    conn: &mut MySqlConnection,
    email: &str,
    except: Option<u64>,
) -> Result<bool, ApiError> {
    let taken = sqlx::query_scalar!(
        r#"SELECT EXISTS(SELECT 1 FROM users WHERE email = ? AND id <> ?) AS "taken: bool""#,
        email,
        except.unwrap_or(0)
    )
    .fetch_one(conn)
    .await?;
    Ok(taken)
}

/// Stores a new, inactive account with its profile; its id. A taken e-mail is a 400 naming
/// `email`, even when two registrations race for it.
pub async fn insert_account(
    conn: &mut MySqlConnection,
    account: NewAccount,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let inserted = sqlx::query!(
        "INSERT INTO users (email, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
        account.email,
        account.password_hash,
        now,
        now
    )
    .execute(&mut *conn)
    .await;
    let user_id = match inserted {
        Ok(done) => done.last_insert_id(),
        Err(error) if is_unique_violation(&error) => {
            return Err(ApiError::field("email", EMAIL_TAKEN));
        }
        Err(error) => return Err(error.into()),
    };
    let p = account.profile;
    sqlx::query!(
        "INSERT INTO profiles
           (user_id, name, surname, phone_number, date_of_birth, height, weight, street, house,
            city, region, country, gender, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        user_id,
        p.name,
        p.surname,
        p.phone_number,
        p.date_of_birth,
        p.height.apply(None),
        p.weight.apply(None),
        p.street.apply(None),
        p.house.apply(None),
        p.city.apply(None),
        p.region.apply(None),
        p.country.apply(None),
        p.gender,
        now,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(user_id)
}

/// Applies `changes` to the profile of `current` (read `FOR UPDATE` in the same transaction).
pub async fn update_profile(
    conn: &mut MySqlConnection,
    current: &UserRow,
    changes: ProfileChanges,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let c = current.clone();
    sqlx::query!(
        "UPDATE profiles
         SET name = ?, surname = ?, phone_number = ?, date_of_birth = ?, height = ?, weight = ?,
             street = ?, house = ?, city = ?, region = ?, country = ?, gender = ?, updated_at = ?
         WHERE user_id = ?",
        changes.name.unwrap_or(c.name),
        changes.surname.unwrap_or(c.surname),
        changes.phone_number.or(c.phone_number),
        changes.date_of_birth.or(c.date_of_birth),
        changes.height.apply(c.height),
        changes.weight.apply(c.weight),
        changes.street.apply(c.street),
        changes.house.apply(c.house),
        changes.city.apply(c.city),
        changes.region.apply(c.region),
        changes.country.apply(c.country),
        changes.gender.or(c.gender),
        now,
        current.id
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn read(body: serde_json::Value, mode: Mode) -> (ProfileChanges, FieldErrors) {
        let input = Input::root(&body).unwrap();
        let mut errors = FieldErrors::new();
        (ProfileChanges::read(&input, &mut errors, today(), mode), errors)
    }

    #[test]
    fn a_new_profile_needs_its_required_fields() {
        let (_, errors) = read(json!({}), Mode::Create);
        for field in ["name", "surname", "phone_number", "date_of_birth", "gender"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(errors.get("height").is_none());
    }

    #[test]
    fn a_complete_profile_reads_cleanly() {
        let (profile, errors) = read(
            json!({"name": "Åsa", "surname": "Öberg", "phone_number": "0701234567",
                   "date_of_birth": "1985-09-22", "gender": "Female", "height": 170,
                   "weight": 60, "street": "Storgatan", "house": "12B", "city": "Malmö",
                   "region": "Skåne", "country": "Sweden"}),
            Mode::Create,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(profile.phone_number.as_deref(), Some("+46701234567"));
        assert_eq!(profile.city, Change::Set("Malmö".to_owned()));
    }

    #[test]
    fn an_update_changes_only_what_it_names() {
        let (changes, errors) = read(json!({"city": "Lund", "height": null}), Mode::Update);
        assert!(errors.is_empty());
        assert_eq!(changes.city, Change::Set("Lund".to_owned()));
        assert_eq!(changes.height, Change::Clear);
        assert_eq!(changes.name, None);
        assert!(changes.touches_filtered_fields());
        let (changes, _) = read(json!({"height": 180}), Mode::Update);
        assert!(!changes.touches_filtered_fields());
    }

    #[test]
    fn required_fields_cannot_be_cleared() {
        let (_, errors) = read(json!({"name": null, "date_of_birth": null}), Mode::Update);
        assert!(errors.get("name").is_some());
        assert!(errors.get("date_of_birth").is_some());
    }
}
