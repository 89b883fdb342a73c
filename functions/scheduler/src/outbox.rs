//! The outbox pass (every minute): sends the e-mails that are due — greetings, and whatever a
//! request could not send — at SES's rate and within a time budget, so that a pass ends before
//! the next one starts. A big day's greetings go out over the following minutes (or hours: at 14
//! a second, 100,000 take two), always after the notifications that are due, which are `bulk =
//! FALSE`.
//!
//! Rows are claimed in small batches: `SELECT ... FOR UPDATE SKIP LOCKED` picks due rows no other
//! pass is picking at that moment, and `claimed_until` (set in the same transaction) keeps them
//! from every other pass, and from this one's successors, until the pass is over. A pass never
//! starts a send after its budget, and its claims last a minute longer than that, so a row is
//! sent by one pass only. What a pass claimed but did not get to is released when it stops.

use std::time::Duration;

use chrono::{DateTime, Utc};
use qhealth::AppState;
use qhealth::db::push_id_list;
use qhealth::mail::{self, Attachment, Attempt, CLAIM, Email};
use serde::Serialize;
use sqlx::{Acquire, MySql, QueryBuilder};

use crate::pace::Pacer;

/// Rows claimed at a time: few enough that a pass stopping at its budget holds back little.
const CLAIM_BATCH: u32 = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxReport {
    pub sent: u32,
    /// Failed this time; tried again after the backoff.
    pub retry_later: u32,
    /// Failed for the last time (`failed_at` set).
    pub given_up: u32,
    /// The pass stopped at its budget, not because nothing more was due.
    pub budget_spent: bool,
}

impl std::fmt::Display for OutboxReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "outbox: {} sent, {} to retry later, {} given up; {}",
            self.sent,
            self.retry_later,
            self.given_up,
            if self.budget_spent {
                "stopped at the pass's budget, the rest waits for the next pass"
            } else {
                "nothing more is due"
            }
        )
    }
}

/// A due row, as claimed.
struct DueEmail {
    id: u64,
    recipient: String,
    subject: String,
    body_html: String,
    body_text: String,
    attachment_name: Option<String>,
    attachment_type: Option<String>,
    attachment_content: Option<String>,
    attempts: u32,
}

/// One pass, with the configured rate, budget and attempts (`MAIL_*`).
pub async fn run(state: &AppState) -> Result<OutboxReport, sqlx::Error> {
    let settings = state.config.outbox;
    let mut pacer = Pacer::new(settings.rate_per_second, settings.pass_budget);
    let claimed_until = state.now() + chrono_duration(settings.pass_budget) + CLAIM;
    let mut report = OutboxReport::default();
    loop {
        let wanted = pacer.remaining().min(CLAIM_BATCH);
        if wanted == 0 {
            report.budget_spent = true;
            return Ok(report);
        }
        let due = claim(state, wanted, claimed_until).await?;
        if due.is_empty() {
            return Ok(report);
        }
        let mut due = due.into_iter();
        while let Some(row) = due.next() {
            if !pacer.next_turn().await {
                let unsent: Vec<u64> =
                    std::iter::once(row.id).chain(due.map(|row| row.id)).collect();
                release(state, &unsent, claimed_until).await?;
                report.budget_spent = true;
                return Ok(report);
            }
            let (id, attempts) = (row.id, row.attempts);
            match mail::send_one(state, id, &row.into_email(), attempts).await? {
                Attempt::Sent => report.sent += 1,
                Attempt::RetryLater => report.retry_later += 1,
                Attempt::GivenUp => report.given_up += 1,
            }
        }
    }
}

impl DueEmail {
    fn into_email(self) -> Email {
        let attachment = match (self.attachment_name, self.attachment_type, self.attachment_content)
        {
            (Some(filename), Some(content_type), Some(content)) => {
                Some(Attachment { filename, content_type, content })
            }
            _ => None,
        };
        Email {
            to: self.recipient,
            subject: self.subject,
            html: self.body_html,
            text: self.body_text,
            attachment,
        }
    }
}

/// Up to `limit` due rows (unsent, not given up, their time come, claimed by nobody),
/// notifications before bulk mail (greetings), oldest due first, held for this pass until
/// `claimed_until`.
async fn claim(
    state: &AppState,
    limit: u32,
    claimed_until: DateTime<Utc>,
) -> Result<Vec<DueEmail>, sqlx::Error> {
    let now = state.now();
    let mut conn = state.db.acquire().await?;
    // READ COMMITTED: the claim locks the rows it takes and nothing between them. Under
    // REPEATABLE READ its gap locks would hold up another pass recording a send (`sent_at`
    // moves the row within the index scanned here), and the two passes could deadlock.
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").execute(&mut *conn).await?;
    let mut tx = conn.begin().await?;
    // The order is the index's (email_outbox_due, then the primary key): no sort.
    let due = sqlx::query_as!(
        DueEmail,
        "SELECT id, recipient, subject, body_html, body_text, attachment_name, attachment_type,
                attachment_content, attempts
         FROM email_outbox
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
           AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY bulk, next_attempt_at, id
         LIMIT ?
         FOR UPDATE SKIP LOCKED",
        now,
        now,
        limit
    )
    .fetch_all(&mut *tx)
    .await?;
    if !due.is_empty() {
        let mut update = QueryBuilder::<MySql>::new("UPDATE email_outbox SET claimed_until = ");
        update.push_bind(claimed_until).push(", updated_at = ").push_bind(now);
        update.push(" WHERE id IN ");
        push_id_list(&mut update, due.iter().map(|row| row.id));
        update.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(due)
}

/// Gives back rows this pass claimed but did not send, so the next pass need not wait for the
/// claims to run out.
async fn release(
    state: &AppState,
    ids: &[u64],
    claimed_until: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut update =
        QueryBuilder::<MySql>::new("UPDATE email_outbox SET claimed_until = NULL, updated_at = ");
    update.push_bind(state.now()).push(" WHERE claimed_until = ").push_bind(claimed_until);
    update.push(" AND sent_at IS NULL AND id IN ");
    push_id_list(&mut update, ids.iter().copied());
    update.build().execute(&state.db).await?;
    Ok(())
}

fn chrono_duration(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::days(1))
}

#[cfg(test)]
mod tests;
