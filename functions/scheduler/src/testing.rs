//! What the database tests of both passes share: a state with a recording mailer and a clock
//! that stands still, and people written straight to the database.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use qhealth::AppState;
use qhealth::clock::ManualClock;
use qhealth::config::Config;
use qhealth::mail::RecordingMailer;
use sqlx::MySqlPool;

pub struct Harness {
    pub state: AppState,
    pub db: MySqlPool,
    pub mailer: Arc<RecordingMailer>,
    pub clock: Arc<ManualClock>,
}

/// A state whose settings are `settings` (environment-style names) over the defaults, at
/// `now`.
pub fn harness(db: MySqlPool, settings: &[(&str, &str)], now: DateTime<Utc>) -> Harness {
    let settings: Vec<(String, String)> =
        settings.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let config = Config::from_lookup(|name| {
        settings.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
    })
    .unwrap();
    let mailer = Arc::new(RecordingMailer::default());
    let clock = ManualClock::new(now);
    let state = AppState::new(db.clone(), config, mailer.clone(), clock.clone());
    Harness { state, db, mailer, clock }
}

/// `hour`:00 in Stockholm on `date` (YYYY-MM-DD).
pub fn clinic_time(date: &str, hour: u32) -> DateTime<Utc> {
    let date: NaiveDate = date.parse().unwrap();
    chrono_tz::Europe::Stockholm
        .from_local_datetime(&date.and_hms_opt(hour, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Account {
    Active,
    Inactive,
    Staff,
    Superuser,
}

/// Someone on file, born on `born` (YYYY-MM-DD); their id.
pub async fn person(db: &MySqlPool, email: &str, name: &str, born: &str, account: Account) -> u64 {
    let id = sqlx::query(
        "INSERT INTO users (email, is_active, is_staff, is_superuser, created_at, updated_at)
         VALUES (?, ?, ?, ?, NOW(6), NOW(6))",
    )
    .bind(email)
    .bind(account != Account::Inactive)
    .bind(matches!(account, Account::Staff | Account::Superuser))
    .bind(account == Account::Superuser)
    .execute(db)
    .await
    .unwrap()
    .last_insert_id();
    sqlx::query(
        "INSERT INTO profiles (user_id, name, surname, date_of_birth, created_at, updated_at)
         VALUES (?, ?, 'Lind', ?, NOW(6), NOW(6))",
    )
    .bind(id)
    .bind(name)
    .bind(born)
    .execute(db)
    .await
    .unwrap();
    id
}

/// `count` active people born on `born`, person1@… to person<count>@…, in one statement each
/// for the users and the profiles.
pub async fn crowd(db: &MySqlPool, count: u32, born: &str) {
    let mut users = sqlx::QueryBuilder::<sqlx::MySql>::new(
        "INSERT INTO users (email, is_active, created_at, updated_at) ",
    );
    users.push_values(1..=count, |mut row, n| {
        row.push_bind(format!("person{n}@clinic.test")).push("TRUE").push("NOW(6)").push("NOW(6)");
    });
    users.build().execute(db).await.unwrap();
    sqlx::query(
        "INSERT INTO profiles (user_id, name, surname, date_of_birth, created_at, updated_at)
         SELECT id, CONCAT('Person', id), 'Lind', ?, NOW(6), NOW(6) FROM users
         WHERE email LIKE 'person%@clinic.test'",
    )
    .bind(born)
    .execute(db)
    .await
    .unwrap();
}

/// The recipients of the outbox's rows of `kind`, in the order they were written.
pub async fn outbox_recipients(db: &MySqlPool, kind: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT recipient FROM email_outbox WHERE kind = ? ORDER BY id")
        .bind(kind)
        .fetch_all(db)
        .await
        .unwrap()
}
