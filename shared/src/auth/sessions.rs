//! Sessions: a login starts a refresh-token family; each refresh spends the presented token
//! and issues the next one of the same family. Presenting a spent refresh token again means it
//! was copied, so the whole family is revoked: the thief and the owner both have to sign in
//! again, and the family's access tokens stop working at once (the [`super::Caller`] checks).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{MySqlConnection, MySqlPool};

use super::tokens::{Claims, TokenKeys, TokenType};
use crate::error::ApiError;

#[derive(Debug, Serialize)]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
}

/// Starts a new family for `user_id` and issues its first pair.
pub async fn start_session(
    conn: &mut MySqlConnection,
    keys: &TokenKeys,
    user_id: u64,
    now: DateTime<Utc>,
) -> Result<TokenPair, ApiError> {
    let family = uuid::Uuid::new_v4().to_string();
    sqlx::query!(
        "INSERT INTO refresh_token_families (id, user_id, created_at) VALUES (?, ?, ?)",
        family,
        user_id,
        now
    )
    .execute(&mut *conn)
    .await?;
    issue_pair(conn, keys, user_id, &family, now).await
}

async fn issue_pair(
    conn: &mut MySqlConnection,
    keys: &TokenKeys,
    user_id: u64,
    family: &str,
    now: DateTime<Utc>,
) -> Result<TokenPair, ApiError> {
    let refresh = Claims::new(TokenType::Refresh, user_id, now).with_family(family);
    sqlx::query!(
        "INSERT INTO refresh_tokens (jti, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        refresh.jti,
        family,
        now,
        refresh.expires_at()
    )
    .execute(&mut *conn)
    .await?;
    let access = Claims::new(TokenType::Access, user_id, now).with_family(family);
    Ok(TokenPair {
        access: keys.sign(&access)?,
        refresh: keys.sign(&refresh)?,
    })
}

const SESSION_ENDED: &str = "Your session has ended. Please sign in again.";

/// Spends `refresh_token` and issues the next pair of its family.
pub async fn rotate_session(
    db: &MySqlPool,
    keys: &TokenKeys,
    refresh_token: &str,
    now: DateTime<Utc>,
) -> Result<TokenPair, ApiError> {
    let claims = keys.verify(refresh_token, TokenType::Refresh, now)?;
    let family = claims
        .family
        .as_deref()
        .ok_or(ApiError::Unauthorized(SESSION_ENDED))?;
    let mut tx = db.begin().await?;
    // Spending is one conditional update, so two racing refreshes cannot both win.
    let spent = sqlx::query!(
        "UPDATE refresh_tokens SET used_at = ? WHERE jti = ? AND family_id = ? AND used_at IS NULL",
        now,
        claims.jti,
        family
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if spent == 0 {
        // Used before: someone holds a copy. End the family, keep that decision, refuse.
        revoke_family(&mut tx, family, now).await?;
        tx.commit().await?;
        tracing::warn!(
            user_id = claims.user_id,
            "refresh token reused; session family revoked"
        );
        return Err(ApiError::Unauthorized(SESSION_ENDED));
    }
    let alive = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "alive!: i64"
           FROM refresh_token_families f JOIN users u ON u.id = f.user_id
           WHERE f.id = ? AND f.user_id = ? AND f.revoked_at IS NULL AND u.is_active"#,
        family,
        claims.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if alive == 0 {
        return Err(ApiError::Unauthorized(SESSION_ENDED));
    }
    let pair = issue_pair(&mut tx, keys, claims.user_id, family, now).await?;
    tx.commit().await?;
    Ok(pair)
}

/// Ends one family (sign-out, or a reused refresh token).
pub async fn revoke_family(
    conn: &mut MySqlConnection,
    family: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    sqlx::query!(
        "UPDATE refresh_token_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        now,
        family
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends every session of a user (new password, blocked account).
pub async fn revoke_all_sessions(
    conn: &mut MySqlConnection,
    user_id: u64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    sqlx::query!(
        "UPDATE refresh_token_families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        now,
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
