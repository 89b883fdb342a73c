//! The greetings pass (daily, 10:00 clinic time): a birthday greeting to everyone born on the
//! day (29 February birthdays on 28 February in other years), a Christmas greeting on 25
//! December and a New Year greeting on 31 December to everyone — every active user but the
//! superusers, at most once per user, greeting and year.
//!
//! The recipients are read in batches keyed by user id, one transaction per batch, so a pass
//! over 100,000 users holds one batch in memory. In each batch the pass claims its recipients
//! with one `INSERT IGNORE ... SELECT` against the unique key (user_id, greeting, year), marking
//! the rows it inserts with its run id; it reads back exactly those rows and writes their
//! e-mails to the outbox in the same transaction. A user another run (earlier, or at the same
//! moment) already claimed is skipped by the key, not by a check that could race. The outbox
//! pass then sends the e-mails at SES's rate.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qhealth::AppState;
use qhealth::mail::{self, Email, Notification};
use serde::Serialize;
use sqlx::{MySql, MySqlConnection, QueryBuilder};

use crate::JobError;

/// Users per batch (and per transaction).
pub const BATCH: u32 = 500;
/// Outbox rows per INSERT: a rendered greeting is a few kB, so a statement stays well below
/// `max_allowed_packet`.
const OUTBOX_ROWS_PER_INSERT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Greeting {
    Birthday,
    Christmas,
    NewYear,
}

impl Greeting {
    /// The `greetings_sent.greeting` value.
    fn key(self) -> &'static str {
        match self {
            Self::Birthday => "birthday",
            Self::Christmas => "christmas",
            Self::NewYear => "new_year",
        }
    }

    fn notification(self, name: String) -> Notification {
        match self {
            Self::Birthday => Notification::Birthday { name },
            Self::Christmas => Notification::Christmas { name },
            Self::NewYear => Notification::NewYear { name },
        }
    }
}

/// Who a greeting goes to: people born on one of these month-days (month × 100 + day, the
/// `profiles.birth_month_day` column), or every active non-superuser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    BornOn([u16; 2]),
    Everyone,
}

/// The greetings of `date`.
fn due_on(date: NaiveDate) -> Vec<(Greeting, Audience)> {
    let mut due = vec![(Greeting::Birthday, Audience::BornOn(birthdays_on(date)))];
    match (date.month(), date.day()) {
        (12, 25) => due.push((Greeting::Christmas, Audience::Everyone)),
        (12, 31) => due.push((Greeting::NewYear, Audience::Everyone)),
        _ => {}
    }
    due
}

/// The month-days whose birthday is celebrated on `date` (twice the same one on most days):
/// in a year without 29 February, those born on it are greeted on the 28th.
fn birthdays_on(date: NaiveDate) -> [u16; 2] {
    let month_day = |month: u32, day: u32| u16::try_from(month * 100 + day).unwrap_or(0);
    let today = month_day(date.month(), date.day());
    let no_leap_day = NaiveDate::from_ymd_opt(date.year(), 2, 29).is_none();
    if today == month_day(2, 28) && no_leap_day { [today, month_day(2, 29)] } else { [today; 2] }
}

/// How many e-mails a pass queued, and for how many people a greeting was already claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GreetingsReport {
    pub date: NaiveDate,
    pub birthday: u64,
    pub christmas: u64,
    pub new_year: u64,
    /// Recipients a run before this one (or beside it) had already greeted.
    pub already_greeted: u64,
}

impl GreetingsReport {
    fn new(date: NaiveDate) -> Self {
        Self { date, birthday: 0, christmas: 0, new_year: 0, already_greeted: 0 }
    }

    fn count(&mut self, greeting: Greeting, queued: u64) {
        match greeting {
            Greeting::Birthday => self.birthday += queued,
            Greeting::Christmas => self.christmas += queued,
            Greeting::NewYear => self.new_year += queued,
        }
    }
}

impl std::fmt::Display for GreetingsReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "greetings for {}: {} birthday, {} Christmas, {} New Year e-mails queued; \
             {} already greeted",
            self.date, self.birthday, self.christmas, self.new_year, self.already_greeted
        )
    }
}

/// The greetings of the clinic date `date`, queued in the outbox.
pub async fn run(state: &AppState, date: NaiveDate) -> Result<GreetingsReport, JobError> {
    let pass = Pass {
        state,
        run_id: uuid::Uuid::new_v4().simple().to_string(),
        year: u16::try_from(date.year()).unwrap_or(0),
        now: state.now(),
    };
    let mut report = GreetingsReport::new(date);
    for (greeting, audience) in due_on(date) {
        let mut after = 0;
        while let Some(batch) = pass.next_batch(audience, after).await? {
            let queued = pass.greet_batch(greeting, audience, after, batch.last).await?;
            report.count(greeting, queued);
            report.already_greeted += batch.candidates.saturating_sub(queued);
            after = batch.last;
        }
    }
    Ok(report)
}

struct Pass<'a> {
    state: &'a AppState,
    run_id: String,
    year: u16,
    now: DateTime<Utc>,
}

/// The next users to greet, after the user id `after`: how many, and the last one's id.
struct Batch {
    candidates: u64,
    last: u64,
}

/// A claimed recipient.
struct Recipient {
    email: String,
    name: String,
}

impl Pass<'_> {
    /// The bounds of the next batch (a read only: the claim decides who is greeted).
    async fn next_batch(&self, audience: Audience, after: u64) -> Result<Option<Batch>, JobError> {
        let (candidates, last) = match audience {
            Audience::BornOn([day, or_day]) => sqlx::query!(
                r#"SELECT COUNT(*) AS "candidates!: i64", MAX(user_id) AS "last: u64"
                   FROM (SELECT p.user_id
                         FROM profiles p JOIN users u ON u.id = p.user_id
                         WHERE p.birth_month_day IN (?, ?) AND p.user_id > ?
                           AND u.is_active AND NOT u.is_superuser
                         ORDER BY p.user_id
                         LIMIT ?) batch"#,
                day,
                or_day,
                after,
                BATCH
            )
            .fetch_one(&self.state.db)
            .await
            .map(|row| (row.candidates, row.last))?,
            Audience::Everyone => sqlx::query!(
                r#"SELECT COUNT(*) AS "candidates!: i64", MAX(id) AS "last: u64"
                   FROM (SELECT u.id
                         FROM users u JOIN profiles p ON p.user_id = u.id
                         WHERE u.id > ? AND u.is_active AND NOT u.is_superuser
                         ORDER BY u.id
                         LIMIT ?) batch"#,
                after,
                BATCH
            )
            .fetch_one(&self.state.db)
            .await
            .map(|row| (row.candidates, row.last))?,
        };
        Ok(last.map(|last| Batch { candidates: u64::try_from(candidates).unwrap_or(0), last }))
    }

    /// Claims `greeting` for the audience's users with ids in (`after`, `last`] and queues
    /// their e-mails, in one transaction; how many were queued.
    async fn greet_batch(
        &self,
        greeting: Greeting,
        audience: Audience,
        after: u64,
        last: u64,
    ) -> Result<u64, JobError> {
        let mut tx = self.state.db.begin().await?;
        self.claim(&mut tx, greeting, audience, after, last).await?;
        let recipients = self.claimed(&mut tx, greeting, after, last).await?;
        let emails = recipients
            .into_iter()
            .map(|Recipient { email, name }| {
                mail::render(&self.state.config, &email, &greeting.notification(name), self.now)
            })
            .collect::<Result<Vec<Email>, _>>()
            .map_err(|error| JobError::Template(error.to_string()))?;
        self.queue(&mut tx, greeting, &emails).await?;
        tx.commit().await?;
        Ok(u64::try_from(emails.len()).unwrap_or(u64::MAX))
    }

    /// Inserts a `greetings_sent` row for every user of the batch who has none for this greeting
    /// and year; the unique key ignores the others. In user-id order, so that two passes at the
    /// same batch take their locks in the same order and one simply waits for the other.
    async fn claim(
        &self,
        tx: &mut MySqlConnection,
        greeting: Greeting,
        audience: Audience,
        after: u64,
        last: u64,
    ) -> Result<(), sqlx::Error> {
        let (key, year, run_id, now) = (greeting.key(), self.year, &self.run_id, self.now);
        match audience {
            Audience::BornOn([day, or_day]) => sqlx::query!(
                "INSERT IGNORE INTO greetings_sent (user_id, greeting, year, run_id, created_at)
                 SELECT p.user_id, ?, ?, ?, ?
                 FROM profiles p JOIN users u ON u.id = p.user_id
                 WHERE p.birth_month_day IN (?, ?) AND p.user_id > ? AND p.user_id <= ?
                   AND u.is_active AND NOT u.is_superuser
                 ORDER BY p.user_id",
                key,
                year,
                run_id,
                now,
                day,
                or_day,
                after,
                last
            )
            .execute(&mut *tx)
            .await
            .map(drop),
            Audience::Everyone => sqlx::query!(
                "INSERT IGNORE INTO greetings_sent (user_id, greeting, year, run_id, created_at)
                 SELECT u.id, ?, ?, ?, ?
                 FROM users u JOIN profiles p ON p.user_id = u.id
                 WHERE u.id > ? AND u.id <= ? AND u.is_active AND NOT u.is_superuser
                 ORDER BY u.id",
                key,
                year,
                run_id,
                now,
                after,
                last
            )
            .execute(&mut *tx)
            .await
            .map(drop),
        }
    }

    /// The users of the batch this pass claimed just now, with their address and first name.
    async fn claimed(
        &self,
        tx: &mut MySqlConnection,
        greeting: Greeting,
        after: u64,
        last: u64,
    ) -> Result<Vec<Recipient>, sqlx::Error> {
        sqlx::query_as!(
            Recipient,
            "SELECT u.email, p.name
             FROM greetings_sent g
             JOIN users u ON u.id = g.user_id
             JOIN profiles p ON p.user_id = g.user_id
             WHERE g.user_id > ? AND g.user_id <= ? AND g.greeting = ? AND g.year = ?
               AND g.run_id = ?
             ORDER BY g.user_id",
            after,
            last,
            greeting.key(),
            self.year,
            self.run_id
        )
        .fetch_all(&mut *tx)
        .await
    }

    /// Writes the e-mails to the outbox, several rows per statement, due now and claimed by
    /// nobody: the outbox pass sends them, after any notification that is waiting (`bulk`).
    async fn queue(
        &self,
        tx: &mut MySqlConnection,
        greeting: Greeting,
        emails: &[Email],
    ) -> Result<(), sqlx::Error> {
        for chunk in emails.chunks(OUTBOX_ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::<MySql>::new(
                "INSERT INTO email_outbox
                   (kind, bulk, recipient, subject, body_html, body_text, next_attempt_at,
                    created_at, updated_at) ",
            );
            insert.push_values(chunk, |mut row, email| {
                row.push_bind(greeting.key())
                    .push("TRUE")
                    .push_bind(&email.to)
                    .push_bind(&email.subject)
                    .push_bind(&email.html)
                    .push_bind(&email.text)
                    .push_bind(self.now)
                    .push_bind(self.now)
                    .push_bind(self.now);
            });
            insert.build().execute(&mut *tx).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
