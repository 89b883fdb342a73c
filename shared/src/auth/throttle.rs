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
    sqlx::query!("DELETE FROM login_throttles WHERE scope = ? AND subject = ?", IP, ip)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
    }

    async fn fail(db: &MySqlPool, ip: &str, email: &str, at: DateTime<Utc>) {
        let mut conn = db.acquire().await.unwrap();
        record_failure(&mut conn, ip, email, at).await.unwrap();
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn the_fifth_failure_within_ten_minutes_blocks_for_ten_minutes(db: MySqlPool) {
        for minute in 0..4 {
            fail(&db, "10.0.0.1", "eva@x.se", noon() + Duration::minutes(minute * 2)).await;
        }
        let after_four = noon() + Duration::minutes(8);
        assert_eq!(blocked_for(&db, "10.0.0.1", "eva@x.se", after_four).await.unwrap(), None);
        let fifth = noon() + Duration::seconds(9 * 60 + 59);
        fail(&db, "10.0.0.1", "eva@x.se", fifth).await;
        assert_eq!(blocked_for(&db, "10.0.0.1", "other@x.se", fifth).await.unwrap(), Some(600));
        assert_eq!(blocked_for(&db, "10.0.0.2", "eva@x.se", fifth).await.unwrap(), Some(600));
        assert_eq!(blocked_for(&db, "10.0.0.2", "other@x.se", fifth).await.unwrap(), None);
        let later = fifth + BLOCK;
        assert_eq!(blocked_for(&db, "10.0.0.1", "eva@x.se", later).await.unwrap(), None);
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn a_window_older_than_ten_minutes_starts_over(db: MySqlPool) {
        for minute in 0..4 {
            fail(&db, "10.0.0.1", "eva@x.se", noon() + Duration::minutes(minute)).await;
        }
        // The first four fell out of the window: this is the first of a new one.
        let fresh = noon() + Duration::minutes(10);
        for second in 0..4 {
            fail(&db, "10.0.0.1", "eva@x.se", fresh + Duration::seconds(second)).await;
        }
        assert_eq!(
            blocked_for(&db, "10.0.0.1", "eva@x.se", fresh + Duration::seconds(5)).await.unwrap(),
            None
        );
        fail(&db, "10.0.0.1", "eva@x.se", fresh + Duration::seconds(5)).await;
        assert!(
            blocked_for(&db, "10.0.0.1", "eva@x.se", fresh + Duration::seconds(5))
                .await
                .unwrap()
                .is_some()
        );
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn concurrent_failures_are_all_counted(db: MySqlPool) {
        let attempts = (0..5).map(|_| {
            let db = db.clone();
            tokio::spawn(async move { fail(&db, "10.0.0.9", "x@x.se", noon()).await })
        });
        for attempt in attempts.collect::<Vec<_>>() {
            attempt.await.unwrap();
        }
        let failures: u32 =
            sqlx::query_scalar("SELECT failures FROM login_throttles WHERE scope = 'ip'")
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(failures, 5);
        assert!(blocked_for(&db, "10.0.0.9", "y@x.se", noon()).await.unwrap().is_some());
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn clearing_an_address_keeps_the_account_count(db: MySqlPool) {
        for _ in 0..5 {
            fail(&db, "10.0.0.1", "eva@x.se", noon()).await;
        }
        let mut conn = db.acquire().await.unwrap();
        clear_ip(&mut conn, "10.0.0.1").await.unwrap();
        assert_eq!(blocked_for(&db, "10.0.0.1", "other@x.se", noon()).await.unwrap(), None);
        assert!(blocked_for(&db, "10.0.0.1", "eva@x.se", noon()).await.unwrap().is_some());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(retry_after(Some(now + Duration::minutes(10)), now), Some(600));
        assert_eq!(retry_after(Some(now + Duration::milliseconds(1)), now), Some(1));
        assert_eq!(retry_after(Some(now + Duration::milliseconds(1500)), now), Some(2));
        assert_eq!(retry_after(Some(now), now), None);
        assert_eq!(retry_after(Some(now - Duration::seconds(1)), now), None);
        assert_eq!(retry_after(None, now), None);
    }
}
