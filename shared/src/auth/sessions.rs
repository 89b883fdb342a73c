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
    Ok(TokenPair { access: keys.sign(&access)?, refresh: keys.sign(&refresh)? })
}

const SESSION_ENDED: &str = "Your session has ended. Please sign in again.";
/// The 401 of a refresh for an account that staff have blocked since the session began: the
/// holder of a genuine refresh token is told why, so they do not just sign in and fail again.
const ACCOUNT_BLOCKED: &str = "Your account has been blocked. Please contact the clinic.";

/// Spends `refresh_token` and issues the next pair of its family.
pub async fn rotate_session(
    db: &MySqlPool,
    keys: &TokenKeys,
    refresh_token: &str,
    now: DateTime<Utc>,
) -> Result<TokenPair, ApiError> {
    let claims = keys.verify(refresh_token, TokenType::Refresh, now)?;
    let family = claims.family.as_deref().ok_or(ApiError::Unauthorized(SESSION_ENDED))?;
    let mut tx = db.begin().await?;
    // Spending is one conditional update, so two racing refreshes cannot both win. It goes by
    // primary key alone (the family is in the signed token): a secondary-index condition would
    // take gap locks that deadlock with the winner's insert of the next token.
    let spent = sqlx::query!(
        "UPDATE refresh_tokens SET used_at = ? WHERE jti = ? AND used_at IS NULL",
        now,
        claims.jti
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if spent == 0 {
        // Used before: someone holds a copy. End the family, keep that decision, refuse.
        revoke_family(&mut tx, family, now).await?;
        tx.commit().await?;
        tracing::warn!(user_id = claims.user_id, "refresh token reused; session family revoked");
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
        return Err(ApiError::Unauthorized(why_ended(&mut tx, claims.user_id).await?));
    }
    let pair = issue_pair(&mut tx, keys, claims.user_id, family, now).await?;
    tx.commit().await?;
    Ok(pair)
}

/// Why a session of `user_id` cannot go on: its account was blocked, or the session itself was
/// ended (signed out, a new password, a reused token) or the account deleted.
async fn why_ended(conn: &mut MySqlConnection, user_id: u64) -> Result<&'static str, ApiError> {
    let is_active: Option<bool> = sqlx::query_scalar("SELECT is_active FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(if is_active == Some(false) { ACCOUNT_BLOCKED } else { SESSION_ENDED })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use chrono::TimeZone;

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
    }

    async fn active_user(db: &MySqlPool) -> u64 {
        sqlx::query("INSERT INTO users (email, is_active, created_at, updated_at) VALUES ('a@x.se', TRUE, NOW(), NOW())")
            .execute(db)
            .await
            .unwrap()
            .last_insert_id()
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn of_two_racing_refreshes_with_one_token_only_one_wins(db: MySqlPool) {
        let keys =
            std::sync::Arc::new(TokenKeys::new(&Secret::new("0123456789abcdef0123456789abcdef")));
        let user = active_user(&db).await;
        let mut conn = db.acquire().await.unwrap();
        let pair = start_session(&mut conn, &keys, user, noon()).await.unwrap();
        drop(conn);
        let racers: Vec<_> = (0..4)
            .map(|_| {
                let (db, keys, token) = (db.clone(), keys.clone(), pair.refresh.clone());
                tokio::spawn(async move {
                    match rotate_session(&db, &keys, &token, noon()).await {
                        Ok(_) => true,
                        Err(ApiError::Unauthorized(_)) => false,
                        Err(error) => panic!("a refresh race must not fail the server: {error}"),
                    }
                })
            })
            .collect();
        let mut winners = 0;
        for racer in racers {
            winners += usize::from(racer.await.unwrap());
        }
        // At most one: the losers' reuse may also have ended the family before the winner.
        assert!(winners <= 1, "{winners} refreshes won");
        let revoked: Option<DateTime<Utc>> =
            sqlx::query_scalar("SELECT revoked_at FROM refresh_token_families")
                .fetch_one(&db)
                .await
                .unwrap();
        assert!(revoked.is_some(), "a reuse was detected ({winners} won)");
    }
}
