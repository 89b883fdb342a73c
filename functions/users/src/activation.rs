//! Staff sending a new activation link to an account that was never activated: its first link
//! expired (links work for 30 minutes) or went astray.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::auth::{Caller, Claims, TokenType};
use qhealth::error::{ApiError, ApiResult};
use qhealth::http::PathId;
use qhealth::mail::{self, Notification};
use qhealth::openapi::{Conflict, Forbidden};
use qhealth::users::{User, Viewer};
use sqlx::MySqlConnection;

use crate::{find_user, lock_target};

const ALREADY_ACTIVATED: &str = "This account has already been activated, so it needs no \
     activation link. If it is blocked, unblock it instead.";

/// Sends a new activation link.
///
/// For an account that was never activated: a new activation link (valid 30 minutes, single
/// use) is e-mailed to it, as at registration; its owner activates the account with it (`PATCH
/// /auth/activate/{token}`), choosing a password there if they have none. 409 when the account
/// has been activated before (a blocked account is unblocked instead). Answers the user.
///
/// **Who:** staff.
#[utoipa::path(patch, path = "/users/{id}/resend_activation", tag = "users",
    params(("id" = u64, Path, minimum = 1, description = "The user's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = User),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
pub(crate) async fn resend_activation(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<User>> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let target = lock_target(&mut tx, &caller, Action::ResendActivation, id).await?;
    if was_activated(&mut tx, id).await? {
        return Err(ApiError::Conflict(ALREADY_ACTIVATED.into()));
    }
    let token = state.tokens.sign(&Claims::new(TokenType::Activate, id, now))?;
    let notification = Notification::Activation { name: target.name.clone(), token };
    let queued = mail::queue(&mut tx, &state, &target.email, notification).await?;
    tx.commit().await?;
    tracing::info!(user_id = id, by = caller.user_id, "activation link sent again");
    mail::deliver(&state, [queued]).await;
    let user = find_user(&state, id).await?;
    Ok(Json(user.view(Viewer::from(&caller), state.today())))
}

/// Whether the account (already locked by the caller) has ever been activated.
async fn was_activated(conn: &mut MySqlConnection, id: u64) -> ApiResult<bool> {
    let activated_at: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT activated_at FROM users WHERE id = ?")
            .bind(id)
            .fetch_one(conn)
            .await?;
    Ok(activated_at.is_some())
}
