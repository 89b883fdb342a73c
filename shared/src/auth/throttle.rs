//! Brute-force protection: five failed logins within ten minutes block logins for ten minutes,
//! counted both per client address and per account (the e-mail as typed, whether or not such an
//! account exists, so the 429 itself tells nothing). A successful login clears the address's
//! count. Blocked attempts are not counted again, so a block ends when it says it will.

use chrono::{DateTime, Duration, Utc};
use sqlx::{MySqlConnection, MySqlPool};

use crate::error::ApiError;

pub const MAX_FAILURES: u32 = 5;
pub const WINDOW: Duration = Duration::minutes(10);
pub const BLOCK: Duration = Duration::minutes(10);

const IP: &str = "ip";
const ACCOUNT: &str = "account";

/// Whole seconds until `blocked_until`, rounded up, if it is still ahead.
pub fn retry_after(blocked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<u64> {
    let remaining = blocked_until? - now;
    if remaining <= Duration::zero() {
        return None;
    }
    let millis = u64::try_from(remaining.num_milliseconds()).ok()?;
    Some(millis.div_ceil(1000))
}

/// Seconds until logins from `ip` or for `email` are allowed again, if either is blocked.
pub async fn blocked_for(
    db: &MySqlPool,
    ip: &str,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Option<u64>, ApiError> {
    let blocked_until = sqlx::query_scalar!(
        r#"SELECT MAX(blocked_until) AS "blocked_until: DateTime<Utc>" FROM login_throttles
         WHERE (scope = ? AND subject = ?) OR (scope = ? AND subject = ?)"#,
        IP,
        ip,
        ACCOUNT,
        email
    )
    .fetch_one(db)
    .await?;
    Ok(retry_after(blocked_until, now))
}

/// Counts one failed login against the address and the account.
pub async fn record_failure(
    conn: &mut MySqlConnection,
    ip: &str,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for (scope, subject) in [(IP, ip), (ACCOUNT, email)] {
        count_failure(conn, scope, subject, now).await?;
    }
    Ok(())
}

/// One statement, so concurrent failures are all counted. Every assignment reads only columns
/// assigned after it (MySQL assigns left to right), so the old values are what it sees:
/// a window older than [`WINDOW`] starts over with this failure, and the
/// [`MAX_FAILURES`]th failure within a window blocks for [`BLOCK`].
async fn count_failure(
    conn: &mut MySqlConnection,
    scope: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let window_start = now - WINDOW;
    let blocked_until = now + BLOCK;
    let first_blocks = (MAX_FAILURES <= 1).then_some(blocked_until);
    sqlx::query!(
        "INSERT INTO login_throttles (scope, subject, failures, window_started_at, blocked_until)
         VALUES (?, ?, 1, ?, ?)
         ON DUPLICATE KEY UPDATE
           blocked_until = IF(window_started_at > ? AND failures + 1 >= ?, ?, blocked_until),
           failures = IF(window_started_at > ?, failures + 1, 1),
           window_started_at = IF(window_started_at > ?, window_started_at, ?)",
        scope,
        subject,
        now,
        first_blocks,
        window_start,
        MAX_FAILURES,
        blocked_until,
        window_start,
        window_start,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A successful login from `ip` clears that address's count.
pub async fn clear_ip(conn: &mut MySqlConnection, ip: &str) -> Result<(), ApiError> {
    sqlx::query!(
        "DELETE FROM login_throttles WHERE scope = ? AND subject = ?",
        IP,
        ip
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(
            retry_after(Some(now + Duration::minutes(10)), now),
            Some(600)
        );
        assert_eq!(
            retry_after(Some(now + Duration::milliseconds(1)), now),
            Some(1)
        );
        assert_eq!(
            retry_after(Some(now + Duration::milliseconds(1500)), now),
            Some(2)
        );
        assert_eq!(retry_after(Some(now), now), None);
        assert_eq!(retry_after(Some(now - Duration::seconds(1)), now), None);
        assert_eq!(retry_after(None, now), None);
    }
}
