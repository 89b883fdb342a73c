//! The first account of a new installation, which no API call can make: a superuser.
//!
//! Two ways, one rule set: `qhealth-local create-superuser` (a machine that reaches the database)
//! gives a password and gets an active account; the scheduler function's one-off
//! `create-superuser` job (AWS, where no password should travel in an invocation) invites: the
//! account stays inactive without a password, and the activation e-mail's link is where its
//! owner chooses one, as a staff member created without a password does.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::MySqlConnection;

use crate::ApiError;
use crate::page::bump_version;
use crate::users::account::{self, NewAccount, ProfileChanges};
use crate::validate::{RuleResult, rules};

#[derive(Debug, thiserror::Error)]
pub enum SuperuserError {
    #[error("{0}")]
    Invalid(String),
    #[error("a user with the e-mail {0} already exists")]
    EmailTaken(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Other(String),
}

impl From<ApiError> for SuperuserError {
    fn from(error: ApiError) -> Self {
        Self::Other(error.to_string())
    }
}

/// Who the superuser is: the e-mail address (stored lower-case) and the profile's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSuperuser {
    pub email: String,
    pub name: String,
    pub surname: String,
}

impl NewSuperuser {
    /// Checks each field by the rules every account follows.
    pub fn checked(email: &str, name: &str, surname: &str) -> Result<Self, SuperuserError> {
        Ok(Self {
            email: check("email", rules::email(&json!(email)))?,
            name: check("name", rules::person_text(&json!(name)))?,
            surname: check("surname", rules::person_text(&json!(surname)))?,
        })
    }
}

/// A password by the rules every account follows.
pub fn checked_password(password: &str) -> Result<String, SuperuserError> {
    check("password", rules::password(&json!(password)))
}

fn check(field: &str, result: RuleResult<String>) -> Result<String, SuperuserError> {
    result.map_err(|message| SuperuserError::Invalid(format!("{field}: {message}")))
}

/// Writes the superuser in `conn`'s transaction: active when `password_hash` is given, otherwise
/// inactive until activated with a password. The new user's id.
pub async fn insert_superuser(
    conn: &mut MySqlConnection,
    superuser: NewSuperuser,
    password_hash: Option<String>,
    now: DateTime<Utc>,
) -> Result<u64, SuperuserError> {
    let active = password_hash.is_some();
    let NewSuperuser { email, name, surname } = superuser;
    let profile =
        ProfileChanges { name: Some(name), surname: Some(surname), ..ProfileChanges::default() };
    let account = NewAccount { email: email.clone(), password_hash, profile };
    let user_id = match account::insert_account(&mut *conn, account, now).await {
        Ok(id) => id,
        Err(ApiError::Invalid(errors)) if errors.get("email").is_some() => {
            return Err(SuperuserError::EmailTaken(email));
        }
        Err(error) => return Err(error.into()),
    };
    sqlx::query!(
        "UPDATE users SET is_superuser = TRUE, is_staff = TRUE, is_active = ?,
                          activated_at = IF(?, ?, NULL)
         WHERE id = ?",
        active,
        active,
        now,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    bump_version(&mut *conn, "users").await?;
    Ok(user_id)
}
