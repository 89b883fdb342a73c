//! The reminders pass (hourly): a day before a booked visit, and before a diagnostic booking's
//! time, the patient is e-mailed a reminder with the appointment as a calendar event.
//!
//! What is owed a reminder is in the schema (migrations/20261204000002_reminders.sql): a
//! booking's `reminder_due` is its start time while it is booked, was not reminded of that time,
//! and got it at least 24 hours ahead (a booking made later has a recent booking e-mail), and
//! NULL otherwise. The pass reads the bookings whose `reminder_due` is within the next 24 hours
//! from that column's index, in batches in (time, id) order. Each one is then reminded in a
//! transaction of its own: the booking's row is locked and its `reminder_due` read again, so a
//! booking cancelled, deleted, moved or reminded (by a pass running beside this one) since it
//! was found is skipped; else the e-mail is written to the outbox and `reminded_time` set to
//! the start time, together. A second pass finds nothing more to do, and two passes at once
//! send one reminder: whichever locks the row second sees it reminded. The outbox pass sends
//! the e-mails at SES's rate.

use chrono::{DateTime, Duration, Utc};
use qhealth::AppState;
use qhealth::clock::clinic_time_text;
use qhealth::mail::{self, Notification};
use serde::Serialize;
use sqlx::MySqlConnection;

use crate::JobError;

/// How long before its start a booking is reminded.
pub const AHEAD: Duration = Duration::hours(24);
/// Bookings read at a time.
pub const BATCH: u32 = 100;

/// How many reminders a pass queued.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemindersReport {
    pub visits: u32,
    pub diagnostics: u32,
    /// Found due but no longer owed one when locked: cancelled, deleted, moved, or reminded by
    /// another pass.
    pub skipped: u32,
}

impl std::fmt::Display for RemindersReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "reminders: {} visit and {} diagnostic reminders queued; {} no longer due",
            self.visits, self.diagnostics, self.skipped
        )
    }
}

/// The two kinds of booking that are reminded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Visit,
    Diagnostic,
}

/// A booking found due: its id and the start time it is to be reminded of.
#[derive(Debug, Clone, Copy)]
struct Due {
    id: u64,
    starts_at: DateTime<Utc>,
}

/// One pass at the clock's now.
pub async fn run(state: &AppState) -> Result<RemindersReport, JobError> {
    let now = state.now();
    let mut report = RemindersReport::default();
    for kind in [Kind::Visit, Kind::Diagnostic] {
        // Starting after (now, the largest id): the first batch begins just after now.
        let mut after = Due { id: u64::MAX, starts_at: now };
        loop {
            let batch = due(state, kind, after, now + AHEAD).await?;
            for booking in &batch {
                let reminded = match kind {
                    Kind::Visit => remind_visit(state, *booking, now).await?,
                    Kind::Diagnostic => remind_diagnostic(state, *booking, now).await?,
                };
                match (reminded, kind) {
                    (false, _) => report.skipped += 1,
                    (true, Kind::Visit) => report.visits += 1,
                    (true, Kind::Diagnostic) => report.diagnostics += 1,
                }
            }
            match batch.last() {
                Some(last) if batch.len() == BATCH as usize => after = *last,
                _ => break,
            }
        }
    }
    Ok(report)
}

/// Up to [`BATCH`] bookings of `kind` owed a reminder of a start time after `after` (in
/// (time, id) order) and no later than `until`: a range of the `reminder_due` index, whose
/// entries end with the id.
async fn due(
    state: &AppState,
    kind: Kind,
    after: Due,
    until: DateTime<Utc>,
) -> Result<Vec<Due>, sqlx::Error> {
    // Naive (UTC): sqlx sends a `DateTime<Utc>` as a TIMESTAMP, which ends in 2038.
    let (from, until) = (after.starts_at.naive_utc(), until.naive_utc());
    match kind {
        Kind::Visit => {
            sqlx::query_as!(
                Due,
                r#"SELECT id, reminder_due AS "starts_at!: DateTime<Utc>"
                   FROM doctor_visits
                   WHERE reminder_due <= ?
                     AND (reminder_due > ? OR (reminder_due = ? AND id > ?))
                   ORDER BY reminder_due, id
                   LIMIT ?"#,
                until,
                from,
                from,
                after.id,
                BATCH
            )
            .fetch_all(&state.db)
            .await
        }
        Kind::Diagnostic => {
            sqlx::query_as!(
                Due,
                r#"SELECT id, reminder_due AS "starts_at!: DateTime<Utc>"
                   FROM diagnostic_bookings
                   WHERE reminder_due <= ?
                     AND (reminder_due > ? OR (reminder_due = ? AND id > ?))
                   ORDER BY reminder_due, id
                   LIMIT ?"#,
                until,
                from,
                from,
                after.id,
                BATCH
            )
            .fetch_all(&state.db)
            .await
        }
    }
}

/// Whom a reminder goes to, and what it says of the booking.
struct VisitFacts {
    email: String,
    name: String,
    doctor_name: String,
    doctor_surname: String,
    specialty: Option<String>,
    duration_minutes: u16,
}

/// Reminds the patient of `visit` if it is still owed that reminder; whether it was.
async fn remind_visit(state: &AppState, visit: Due, now: DateTime<Utc>) -> Result<bool, JobError> {
    let mut tx = state.db.begin().await?;
    // Only the visit's row is locked (a locking join would lock the people's rows too, which
    // bookings lock in an order of their own). `reminder_due` says it all: still booked, at the
    // same time, not reminded of it.
    let owed = sqlx::query_scalar!(
        r#"SELECT reminder_due AS "reminder_due: DateTime<Utc>"
           FROM doctor_visits WHERE id = ? FOR UPDATE"#,
        visit.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if owed.flatten() != Some(visit.starts_at) {
        return Ok(false);
    }
    let Some(facts) = visit_facts(&mut tx, visit.id).await? else { return Ok(false) };
    let notification = Notification::VisitReminder {
        name: facts.name,
        doctor: format!("{} {}", facts.doctor_name, facts.doctor_surname),
        specialty: facts.specialty.unwrap_or_default(),
        when: clinic_time_text(visit.starts_at, state.config.clinic_tz),
        visit_id: visit.id,
        starts_at: visit.starts_at,
        duration_minutes: facts.duration_minutes,
    };
    queue(&mut tx, state, &facts.email, &notification, now).await?;
    // Not `updated_at`: the visit itself did not change.
    sqlx::query!("UPDATE doctor_visits SET reminded_time = date_time WHERE id = ?", visit.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(visit_id = visit.id, "visit reminder queued");
    Ok(true)
}

async fn visit_facts(tx: &mut MySqlConnection, id: u64) -> Result<Option<VisitFacts>, sqlx::Error> {
    sqlx::query_as!(
        VisitFacts,
        r#"SELECT u.email, p.name, dp.name AS doctor_name, dp.surname AS doctor_surname,
                  dr.specialty, v.duration_minutes AS "duration_minutes: u16"
           FROM doctor_visits v
           JOIN users u ON u.id = v.user_id
           JOIN profiles p ON p.user_id = v.user_id
           JOIN profiles dp ON dp.user_id = v.doctor_id
           LEFT JOIN roles dr ON dr.user_id = v.doctor_id
           WHERE v.id = ?"#,
        id
    )
    .fetch_optional(tx)
    .await
}

struct DiagnosticFacts {
    email: String,
    name: String,
    modality: String,
}

/// Reminds the patient of diagnostic `booking` if it is still owed that reminder; whether it
/// was.
async fn remind_diagnostic(
    state: &AppState,
    booking: Due,
    now: DateTime<Utc>,
) -> Result<bool, JobError> {
    let mut tx = state.db.begin().await?;
    // As for visits: the booking's row alone is locked, `reminder_due` read again.
    let owed = sqlx::query_scalar!(
        r#"SELECT reminder_due AS "reminder_due: DateTime<Utc>"
           FROM diagnostic_bookings WHERE id = ? FOR UPDATE"#,
        booking.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if owed.flatten() != Some(booking.starts_at) {
        return Ok(false);
    }
    let facts = sqlx::query_as!(
        DiagnosticFacts,
        "SELECT u.email, p.name, d.modality
         FROM diagnostic_bookings b
         JOIN users u ON u.id = b.user_id
         JOIN profiles p ON p.user_id = b.user_id
         JOIN diagnostics d ON d.id = b.diagnostic_id
         WHERE b.id = ?",
        booking.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(facts) = facts else { return Ok(false) };
    let notification = Notification::DiagnosticReminder {
        name: facts.name,
        modality: facts.modality,
        when: clinic_time_text(booking.starts_at, state.config.clinic_tz),
        booking_id: booking.id,
        starts_at: booking.starts_at,
    };
    queue(&mut tx, state, &facts.email, &notification, now).await?;
    // Not `updated_at`: it is when the booking's time was set, which the schema reads.
    sqlx::query!(
        "UPDATE diagnostic_bookings SET reminded_time = date_time WHERE id = ?",
        booking.id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(booking_id = booking.id, "diagnostic reminder queued");
    Ok(true)
}

/// Writes the reminder to the outbox in `tx`, for the outbox pass to send.
async fn queue(
    tx: &mut MySqlConnection,
    state: &AppState,
    to: &str,
    notification: &Notification,
    now: DateTime<Utc>,
) -> Result<(), JobError> {
    let email = mail::render(&state.config, to, notification, now)
        .map_err(|error| JobError::Template(error.to_string()))?;
    mail::write(tx, notification.kind(), &email, now, None).await?;
    Ok(())
}

#[cfg(test)]
mod tests;
