//! One-off jobs for setting an installation up on AWS, where the database is reachable only from
//! inside the VPC: invoked by hand, never scheduled (README, "Deploying to AWS").
//!
//! - `{"job": "migrate"}` applies the migrations the function was built with;
//! - `{"job": "create-superuser", "email": ..., "name": ..., "surname": ...}` invites the first
//!   superuser: the account is created inactive and without a password, and the activation
//!   e-mail's link is where its owner chooses one. No password travels in the invocation, its
//!   logs or its answer.

use qhealth::AppState;
use qhealth::auth::{Claims, TokenType};
use qhealth::mail::{self, Notification};
use qhealth::users::superuser::{NewSuperuser, SuperuserError, insert_superuser};
use serde::Serialize;
use serde_json::Value;

use crate::JobError;

/// What `migrate` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrateReport {
    /// Migrations the database had before, and has now.
    pub applied_before: usize,
    pub applied_now: usize,
}

impl std::fmt::Display for MigrateReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "migrate: {} migrations applied, {} new",
            self.applied_now,
            self.applied_now - self.applied_before
        )
    }
}

/// What `create-superuser` did (the id only: the address is personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InviteReport {
    pub user_id: u64,
}

impl std::fmt::Display for InviteReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "create-superuser: user {} invited, activation e-mail sent", self.user_id)
    }
}

/// The superuser a `create-superuser` job's detail names, checked by the rules of every account.
pub fn superuser_of(detail: &Value) -> Result<NewSuperuser, JobError> {
    let text = |field: &str| detail.get(field).and_then(Value::as_str).unwrap_or_default();
    NewSuperuser::checked(text("email"), text("name"), text("surname")).map_err(JobError::Setup)
}

pub async fn migrate(state: &AppState) -> Result<MigrateReport, JobError> {
    let applied = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(&state.db)
            .await
    };
    // A database never migrated has no _sqlx_migrations table yet.
    let applied_before = applied().await.unwrap_or(0);
    qhealth::db::MIGRATOR
        .run(&state.db)
        .await
        .map_err(|error| JobError::Migration(error.to_string()))?;
    let applied_now = applied().await?;
    Ok(MigrateReport {
        applied_before: usize::try_from(applied_before).unwrap_or_default(),
        applied_now: usize::try_from(applied_now).unwrap_or_default(),
    })
}

/// Creates the superuser, inactive, and e-mails the activation link, in one transaction: either
/// both happen or neither.
pub async fn invite_superuser(
    state: &AppState,
    superuser: NewSuperuser,
) -> Result<InviteReport, JobError> {
    let now = state.now();
    let (email, name) = (superuser.email.clone(), superuser.name.clone());
    let mut tx = state.db.begin().await?;
    let user_id = insert_superuser(&mut tx, superuser, None, now).await.map_err(JobError::Setup)?;
    let token = state
        .tokens
        .sign(&Claims::new(TokenType::Activate, user_id, now))
        .map_err(|error| JobError::Setup(SuperuserError::from(error)))?;
    let queued = mail::queue(&mut tx, state, &email, Notification::Activation { name, token })
        .await
        .map_err(|error| JobError::Setup(SuperuserError::from(error)))?;
    tx.commit().await?;
    mail::deliver(state, [queued]).await;
    Ok(InviteReport { user_id })
}
