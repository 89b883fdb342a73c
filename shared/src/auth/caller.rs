//! The signed-in caller, from `Authorization: Bearer <access token>`.
//!
//! The token alone is not trusted to describe the user: every request re-reads the account, so a
//! blocked user, a revoked session or a changed role takes effect on the very next request.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sqlx::mysql::MySqlRow;
use sqlx::pool::PoolConnection;
use sqlx::{FromRow, MySql, MySqlConnection, MySqlExecutor, QueryBuilder, Row};

use super::tokens::TokenType;
use crate::access::{self, Action, Actor, Reach, Role};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: u64,
    pub role: Role,
    /// The refresh family the access token belongs to.
    pub family: String,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor { user_id: self.user_id, role: self.role }
    }

    /// See [`access::authorize`].
    pub fn authorize(&self, action: Action, owner: Option<u64>) -> Result<(), ApiError> {
        access::authorize(self.actor(), action, owner)
    }

    /// Refuses (403) a role that may do `action` to no object at all. Called before an object
    /// is looked up, so that such a caller gets the same answer for every id, existing or not.
    pub fn authorize_any(&self, action: Action) -> Result<(), ApiError> {
        access::authorize_any(self.actor(), action)
    }

    /// Whose objects a list for `action` may show: `Ok(None)` everyone's, `Ok(Some(id))` only
    /// the caller's own (a patient's bookings, journal, prescriptions), or 403.
    pub fn list_scope(&self, action: Action) -> Result<Option<u64>, ApiError> {
        match access::reach(self.role, action) {
            Reach::All => Ok(None),
            Reach::Own => Ok(Some(self.user_id)),
            Reach::None => Err(ApiError::Forbidden),
        }
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}

const NO_CREDENTIALS: &str = "Authentication credentials were not provided.";
/// The 401 of a session that no longer holds (its account was blocked or deleted meanwhile).
pub const NOT_SIGNED_IN: &str = "Your session has ended. Please sign in again.";

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = Bearer::from_header(parts, state)?;
        bearer.caller(&state.db).await
    }
}

/// A verified access token whose account has not been re-read yet: who the token says is
/// asking. Almost every handler takes [`Caller`] (or [`CallerDb`]), which re-reads the account
/// in a statement of its own. The one list every signed-in user may read whatever their role,
/// the modalities, takes this instead and re-reads the account inside its page statement
/// ([`Bearer::push_account_check`], [`Bearer::confirm`]): one statement per request, not two.
#[derive(Debug, Clone)]
pub struct Bearer {
    user_id: u64,
    family: String,
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Self::from_header(parts, state)
    }
}

impl Bearer {
    /// Verifies the access token in `Authorization: Bearer`.
    fn from_header(parts: &Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or(ApiError::Unauthorized(NO_CREDENTIALS))?;
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err(ApiError::Unauthorized(NO_CREDENTIALS)),
        };
        let claims = state.tokens.verify(token, TokenType::Access, state.now())?;
        let family = claims.family.ok_or(ApiError::Unauthorized(NOT_SIGNED_IN))?;
        Ok(Self { user_id: claims.user_id, family })
    }

    /// The caller, if the account is still active, the session not revoked; with their role
    /// as it is now.
    async fn caller(&self, executor: impl MySqlExecutor<'_>) -> Result<Caller, ApiError> {
        let account = sqlx::query!(
            r#"SELECT u.is_superuser AS "is_superuser: bool", u.is_staff AS "is_staff: bool",
                      r.role AS "staff_role?"
               FROM users u
               JOIN refresh_token_families f
                 ON f.id = ? AND f.user_id = u.id AND f.revoked_at IS NULL
               LEFT JOIN roles r ON r.user_id = u.id
               WHERE u.id = ? AND u.is_active"#,
            &self.family,
            self.user_id
        )
        .fetch_optional(executor)
        .await?
        .ok_or(ApiError::Unauthorized(NOT_SIGNED_IN))?;
        Ok(Caller {
            user_id: self.user_id,
            role: Role::of(account.is_superuser, account.is_staff, account.staff_role.as_deref()),
            family: self.family.clone(),
        })
    }

    /// Adds to a statement's select list what [`Caller`] checks on its own: whether the account
    /// is still active and this session not revoked, as the column `signed_in` (see
    /// [`AccountChecked`]). The statement reads it in the same snapshot as its rows.
    pub fn push_account_check(&self, query: &mut QueryBuilder<MySql>) {
        query.push(
            "EXISTS(SELECT 1 FROM users su JOIN refresh_token_families sf \
             ON sf.id = ",
        );
        query.push_bind(self.family.clone());
        query.push(" AND sf.user_id = su.id AND sf.revoked_at IS NULL WHERE su.id = ");
        query.push_bind(self.user_id);
        query.push(" AND su.is_active) AS signed_in");
    }

    /// The verdict on a statement that carried [`Bearer::push_account_check`], given its first
    /// row: 401 if the account or the session has ended; a statement that found no rows says
    /// nothing, so then the account is re-read on `db`.
    pub async fn confirm<T>(
        &self,
        first_row: Option<&AccountChecked<T>>,
        db: &mut MySqlConnection,
    ) -> Result<(), ApiError> {
        match first_row {
            Some(row) if row.signed_in => Ok(()),
            Some(_) => Err(ApiError::Unauthorized(NOT_SIGNED_IN)),
            None => self.caller(db).await.map(|_| ()),
        }
    }
}

/// A row of a statement that also re-read the caller's account
/// ([`Bearer::push_account_check`]).
pub struct AccountChecked<T> {
    pub row: T,
    pub signed_in: bool,
}

impl<'r, T: FromRow<'r, MySqlRow>> FromRow<'r, MySqlRow> for AccountChecked<T> {
    fn from_row(row: &'r MySqlRow) -> Result<Self, sqlx::Error> {
        Ok(Self { row: T::from_row(row)?, signed_in: row.try_get("signed_in")? })
    }
}

/// The signed-in caller and the connection their account was checked on, for handlers that go
/// on to read the database at once (the lists): the request then takes one connection from the
/// pool instead of one per statement, which saves a pool round trip and the liveness check sqlx
/// runs on every connection it takes back.
pub struct CallerDb {
    pub caller: Caller,
    pub db: PoolConnection<MySql>,
}

impl FromRequestParts<AppState> for CallerDb {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = Bearer::from_header(parts, state)?;
        let mut db = state.db.acquire().await?;
        let caller = bearer.caller(&mut *db).await?;
        Ok(Self { caller, db })
    }
}
