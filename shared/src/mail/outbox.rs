//! The transactional outbox. A notification is rendered and written in the same transaction as
//! the change it reports, so a rolled-back change sends nothing and a committed one is never
//! forgotten. Right after commit, [`deliver`] sends it; if SES fails, the row waits for the
//! scheduler's retry pass with exponential backoff.
//!
//! While the request that wrote a row is sending it, the row is claimed for [`CLAIM`], so the
//! retry pass does not send it a second time; if that request dies, the claim simply runs out.
//! The retry pass (the scheduler's outbox job) sends each row it claims with [`send_one`], the
//! same step as [`deliver`]; after `MAIL_MAX_ATTEMPTS` failed tries a row is given up
//! (`failed_at`) and stays in the table for staff to see.

use chrono::{DateTime, Duration, Utc};
use sqlx::MySqlConnection;

use super::{Email, Notification, render};
use crate::error::ApiError;
use crate::state::AppState;

pub const CLAIM: Duration = Duration::minutes(1);
const MAX_ERROR_CHARS: usize = 1000;

/// A row written to the outbox, to send once the transaction has committed.
#[derive(Debug)]
pub struct Queued {
    pub id: u64,
    pub email: Email,
}

/// Renders `notification` for `to` and writes it to the outbox in `conn`'s transaction, held
/// for [`deliver`] to send after commit.
pub async fn queue(
    conn: &mut MySqlConnection,
    state: &AppState,
    to: &str,
    notification: Notification,
) -> Result<Queued, ApiError> {
    let now = state.now();
    let email = render(&state.config, to, &notification, now)?;
    let id = write(conn, notification.kind(), &email, now, Some(now + CLAIM)).await?;
    Ok(Queued { id, email })
}

/// Writes the rendered `email` of `kind` (a notification, not bulk mail) to the outbox in
/// `conn`'s transaction, due at `now`: held for its writer until `claimed_until`, or, with
/// `None`, left for the scheduler's outbox pass to send at SES's rate (what a scheduled pass
/// queues). Its id.
pub async fn write(
    conn: &mut MySqlConnection,
    kind: &str,
    email: &Email,
    now: DateTime<Utc>,
    claimed_until: Option<DateTime<Utc>>,
) -> Result<u64, sqlx::Error> {
    let attachment = email.attachment.as_ref();
    let done = sqlx::query!(
        "INSERT INTO email_outbox
           (kind, recipient, subject, body_html, body_text, attachment_name, attachment_type,
            attachment_content, next_attempt_at, claimed_until, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        kind,
        email.to,
        email.subject,
        email.html,
        email.text,
        attachment.map(|a| &a.filename),
        attachment.map(|a| &a.content_type),
        attachment.map(|a| &a.content),
        now,
        claimed_until,
        now,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.last_insert_id())
}

/// Several notifications, in order.
pub async fn queue_all(
    conn: &mut MySqlConnection,
    state: &AppState,
    to: &str,
    notifications: Vec<Notification>,
) -> Result<Vec<Queued>, ApiError> {
    let mut queued = Vec::with_capacity(notifications.len());
    for notification in notifications {
        queued.push(queue(conn, state, to, notification).await?);
    }
    Ok(queued)
}

/// Sends what was queued, after commit. Never fails: what does not go out stays in the outbox.
pub async fn deliver(state: &AppState, queued: impl IntoIterator<Item = Queued>) {
    for Queued { id, email } in queued {
        // A row just queued has never been tried.
        if let Err(error) = send_one(state, id, &email, 0).await {
            tracing::error!(outbox_id = id, error = %error, "could not record e-mail outcome");
        }
    }
}

/// What became of one try at sending an outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// SES refused or failed; `next_attempt_at` says when to try again.
    RetryLater,
    /// That was the last try (`MAIL_MAX_ATTEMPTS`): `failed_at` is set, nothing tries it again.
    GivenUp,
}

/// Sends outbox row `id` (held by the caller's claim) and records the outcome on it.
/// `previous_attempts`: the tries before this one. An error means the outcome could not be
/// written; the row's claim then runs out and it is tried again.
pub async fn send_one(
    state: &AppState,
    id: u64,
    email: &Email,
    previous_attempts: u32,
) -> Result<Attempt, sqlx::Error> {
    match state.mailer.send(&state.config.mail_from, email).await {
        Ok(message_id) => {
            mark_sent(state, id, &message_id).await?;
            Ok(Attempt::Sent)
        }
        Err(error) => {
            let attempt = mark_failed(state, id, previous_attempts, &error.0).await?;
            match attempt {
                Attempt::GivenUp => tracing::error!(
                    outbox_id = id,
                    attempts = previous_attempts.saturating_add(1),
                    error = %error,
                    "e-mail not sent; given up"
                ),
                _ => {
                    tracing::warn!(outbox_id = id, error = %error, "e-mail not sent; left for retry")
                }
            }
            Ok(attempt)
        }
    }
}

async fn mark_sent(state: &AppState, id: u64, message_id: &str) -> Result<(), sqlx::Error> {
    let now = state.now();
    sqlx::query!(
        "UPDATE email_outbox
         SET sent_at = ?, message_id = ?, attempts = attempts + 1, claimed_until = NULL,
             updated_at = ?
         WHERE id = ? AND sent_at IS NULL",
        now,
        message_id,
        now,
        id
    )
    .execute(&state.db)
    .await?;
    Ok(())
}

async fn mark_failed(
    state: &AppState,
    id: u64,
    previous_attempts: u32,
    error: &str,
) -> Result<Attempt, sqlx::Error> {
    let now = state.now();
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let retry_at = next_attempt_at(now, previous_attempts, state.config.mail_retry_base);
    let given_up = previous_attempts.saturating_add(1) >= state.config.outbox.max_attempts;
    sqlx::query!(
        "UPDATE email_outbox
         SET attempts = attempts + 1, next_attempt_at = ?, failed_at = ?, claimed_until = NULL,
             last_error = ?, updated_at = ?
         WHERE id = ? AND sent_at IS NULL",
        retry_at,
        given_up.then_some(now),
        error,
        now,
        id
    )
    .execute(&state.db)
    .await?;
    Ok(if given_up { Attempt::GivenUp } else { Attempt::RetryLater })
}

/// When to try again after `previous_attempts` earlier failures and this one: the base delay,
/// doubled for each earlier failure, capped at a day.
pub fn next_attempt_at(
    now: DateTime<Utc>,
    previous_attempts: u32,
    base: std::time::Duration,
) -> DateTime<Utc> {
    let base = Duration::from_std(base).unwrap_or(Duration::minutes(1));
    let delay = base * 2_i32.saturating_pow(previous_attempts.min(20));
    now + delay.min(Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::config::Config;
    use crate::mail::RecordingMailer;
    use chrono::TimeZone;
    use std::sync::Arc;

    fn state(db: sqlx::MySqlPool, mailer: Arc<RecordingMailer>) -> AppState {
        let config = Config::from_lookup(|_| None).unwrap();
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap());
        AppState::new(db, config, mailer, clock)
    }

    async fn queue_one(state: &AppState) -> Queued {
        let mut tx = state.db.begin().await.unwrap();
        let notification = Notification::Welcome { name: "Eva".into() };
        let queued = queue(&mut tx, state, "eva@x.se", notification).await.unwrap();
        tx.commit().await.unwrap();
        queued
    }

    type Row = (u32, Option<DateTime<Utc>>, Option<DateTime<Utc>>, DateTime<Utc>, Option<String>);

    async fn row(db: &sqlx::MySqlPool, id: u64) -> Row {
        sqlx::query_as(
            "SELECT attempts, sent_at, claimed_until, next_attempt_at, last_error FROM email_outbox WHERE id = ?",
        )
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap()
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn a_delivered_email_is_marked_sent(db: sqlx::MySqlPool) {
        let mailer = Arc::new(RecordingMailer::default());
        let state = state(db.clone(), mailer.clone());
        let queued = queue_one(&state).await;
        let id = queued.id;
        let (_, _, claimed_until, _, _) = row(&db, id).await;
        assert_eq!(claimed_until, Some(state.now() + CLAIM), "held while its request sends it");
        deliver(&state, [queued]).await;
        let (attempts, sent_at, claimed_until, _, last_error) = row(&db, id).await;
        assert_eq!(
            (attempts, sent_at, claimed_until, last_error),
            (1, Some(state.now()), None, None)
        );
        assert_eq!(mailer.sent().len(), 1);
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn an_email_ses_refuses_waits_for_a_retry(db: sqlx::MySqlPool) {
        let mailer = Arc::new(RecordingMailer::default());
        mailer.set_failing(true);
        let state = state(db.clone(), mailer.clone());
        let queued = queue_one(&state).await;
        let id = queued.id;
        deliver(&state, [queued]).await;
        let (attempts, sent_at, claimed_until, next_attempt_at, last_error) = row(&db, id).await;
        assert_eq!((attempts, sent_at, claimed_until), (1, None, None));
        assert_eq!(next_attempt_at, state.now() + Duration::minutes(1));
        assert_eq!(last_error.as_deref(), Some("mail service unavailable"));
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn a_rolled_back_change_sends_nothing(db: sqlx::MySqlPool) {
        let state = state(db.clone(), Arc::new(RecordingMailer::default()));
        let mut tx = state.db.begin().await.unwrap();
        queue(&mut tx, &state, "eva@x.se", Notification::Welcome { name: "Eva".into() })
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        let rows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox").fetch_one(&db).await.unwrap();
        assert_eq!(rows, 0);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        let base = std::time::Duration::from_secs(60);
        let delays: Vec<i64> =
            (0..4).map(|n| (next_attempt_at(now, n, base) - now).num_seconds()).collect();
        assert_eq!(delays, [60, 120, 240, 480]);
        assert_eq!((next_attempt_at(now, 30, base) - now).num_hours(), 24);
    }
}
