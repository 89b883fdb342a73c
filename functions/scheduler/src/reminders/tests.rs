use chrono::Duration;
use sqlx::{MySqlPool, Row};

use super::*;
use crate::testing::{Account, Harness, clinic_time, harness, outbox_recipients, person};

/// Noon in Stockholm on 26 November 2026.
fn at_noon(db: MySqlPool) -> Harness {
    harness(db, &[], clinic_time("2026-11-26", 12))
}

/// A doctor (Karin, cardiology) and a patient (Eva); their ids.
async fn doctor_and_patient(db: &MySqlPool) -> (u64, u64) {
    let doctor = person(db, "karin@clinic.test", "Karin", "1970-01-01", Account::Active).await;
    sqlx::query(
        "INSERT INTO roles (user_id, role, specialty, created_at, updated_at)
         VALUES (?, 'doctor', 'Cardiology', NOW(6), NOW(6))",
    )
    .bind(doctor)
    .execute(db)
    .await
    .unwrap();
    let patient = person(db, "eva@clinic.test", "Eva", "1985-09-22", Account::Active).await;
    (doctor, patient)
}

/// `count` booked visits of `patient`, made at `made`, a minute apart from `first` on; the first
/// one's id.
async fn visits(
    db: &MySqlPool,
    (doctor, patient): (u64, u64),
    first: DateTime<Utc>,
    count: u32,
    made: DateTime<Utc>,
) -> u64 {
    let mut insert = sqlx::QueryBuilder::<sqlx::MySql>::new(
        "INSERT INTO doctor_visits (user_id, doctor_id, date_time, created_at, updated_at) ",
    );
    insert.push_values(0..count, |mut row, n| {
        let at = first + Duration::minutes(i64::from(n));
        row.push_bind(patient)
            .push_bind(doctor)
            .push_bind(at.naive_utc())
            .push_bind(made.naive_utc())
            .push_bind(made.naive_utc());
    });
    insert.build().execute(db).await.unwrap().last_insert_id()
}

async fn reminded(db: &MySqlPool, table: &'static str) -> i64 {
    let sql = match table {
        "doctor_visits" => "SELECT COUNT(*) FROM doctor_visits WHERE reminded_time IS NOT NULL",
        _ => "SELECT COUNT(*) FROM diagnostic_bookings WHERE reminded_time IS NOT NULL",
    };
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_visit_due_is_reminded_once_across_batches(db: MySqlPool) {
    let h = at_noon(db.clone());
    let people = doctor_and_patient(&db).await;
    let made = h.state.now() - Duration::days(3);
    let count = BATCH * 2 + 7;
    // All within the next 24 hours; two (with two doctors) at one instant, so that a batch can
    // end between them.
    visits(&db, people, h.state.now() + Duration::hours(2), count, made).await;
    let other_doctor = person(&db, "ola@clinic.test", "Ola", "1971-01-01", Account::Active).await;
    visits(&db, (other_doctor, people.1), h.state.now() + Duration::hours(2), 1, made).await;
    // Tomorrow after noon: not yet.
    visits(&db, people, h.state.now() + Duration::hours(25), 3, made).await;

    let report = run(&h.state).await.unwrap();
    assert_eq!((report.visits, report.diagnostics, report.skipped), (count + 1, 0, 0));
    assert_eq!(outbox_recipients(&db, "visit_reminder").await.len(), (count + 1) as usize);
    assert_eq!(reminded(&db, "doctor_visits").await, i64::from(count + 1));
    assert_eq!(run(&h.state).await.unwrap(), RemindersReport::default(), "nothing twice");

    h.clock.advance(Duration::hours(2));
    assert_eq!(run(&h.state).await.unwrap().visits, 3, "their turn");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn two_passes_at_once_queue_one_reminder_each(db: MySqlPool) {
    let h = at_noon(db.clone());
    let people = doctor_and_patient(&db).await;
    let made = h.state.now() - Duration::days(3);
    visits(&db, people, h.state.now() + Duration::hours(20), 40, made).await;

    let (one, other) = tokio::join!(run(&h.state), run(&h.state));
    let (one, other) = (one.unwrap(), other.unwrap());
    assert_eq!(one.visits + other.visits, 40, "{one:?} {other:?}");
    assert_eq!(outbox_recipients(&db, "visit_reminder").await.len(), 40);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_visit_changed_since_it_was_found_is_skipped(db: MySqlPool) {
    let h = at_noon(db.clone());
    let people = doctor_and_patient(&db).await;
    let starts_at = h.state.now() + Duration::hours(20);
    let made = h.state.now() - Duration::days(3);
    let cancelled = visits(&db, people, starts_at, 1, made).await;
    let deleted = visits(&db, people, starts_at + Duration::minutes(30), 1, made).await;
    let now = h.state.now();
    // Found due, then cancelled or deleted before the pass locks them.
    sqlx::query("UPDATE doctor_visits SET status = 'cancelled' WHERE id = ?")
        .bind(cancelled)
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM doctor_visits WHERE id = ?").bind(deleted).execute(&db).await.unwrap();
    let found = Due { id: cancelled, starts_at };
    assert!(!remind_visit(&h.state, found, now).await.unwrap());
    let found = Due { id: deleted, starts_at: starts_at + Duration::minutes(30) };
    assert!(!remind_visit(&h.state, found, now).await.unwrap());
    // Found at another time than the one it has.
    let moved = visits(&db, people, starts_at + Duration::hours(1), 1, made).await;
    assert!(!remind_visit(&h.state, Due { id: moved, starts_at }, now).await.unwrap());
    assert!(outbox_recipients(&db, "visit_reminder").await.is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_diagnostic_booking_is_reminded_of_the_time_it_has(db: MySqlPool) {
    let h = at_noon(db.clone());
    let (_, patient) = doctor_and_patient(&db).await;
    let modality = sqlx::query(
        "INSERT INTO diagnostics (modality, created_at, updated_at) VALUES ('MRI', NOW(6), NOW(6))",
    )
    .execute(&db)
    .await
    .unwrap()
    .last_insert_id();
    let set_at = h.state.now() - Duration::days(2);
    let starts_at = h.state.now() + Duration::hours(23);
    sqlx::query(
        "INSERT INTO diagnostic_bookings (user_id, diagnostic_id, date_time, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(patient)
    .bind(modality)
    .bind(starts_at.naive_utc())
    .bind(set_at.naive_utc())
    .bind(set_at.naive_utc())
    .execute(&db)
    .await
    .unwrap();

    let report = run(&h.state).await.unwrap();
    assert_eq!((report.visits, report.diagnostics), (0, 1));
    let calendar: String = sqlx::query_scalar(
        "SELECT attachment_content FROM email_outbox WHERE kind = 'diagnostic_reminder'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let start = format!("DTSTART:{}\r\n", starts_at.format("%Y%m%dT%H%M%SZ"));
    assert!(calendar.contains(&start), "{calendar}");
    assert_eq!(reminded(&db, "diagnostic_bookings").await, 1);
    assert_eq!(run(&h.state).await.unwrap().diagnostics, 0);
}

/// The pass's search reads a range of `reminder_due`'s index, whatever else the table holds.
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_search_for_due_reminders_is_a_range_of_its_index(db: MySqlPool) {
    let h = at_noon(db.clone());
    let people = doctor_and_patient(&db).await;
    let now = h.state.now();
    // A year of visits, most of them past or reminded.
    visits(&db, people, now - Duration::days(300), 2000, now - Duration::days(400)).await;
    sqlx::query("UPDATE doctor_visits SET reminded_time = date_time").execute(&db).await.unwrap();
    visits(&db, people, now + Duration::hours(3), 20, now - Duration::days(3)).await;
    sqlx::query("ANALYZE TABLE doctor_visits").execute(&db).await.unwrap();

    let plan = sqlx::query(
        "EXPLAIN SELECT id, reminder_due FROM doctor_visits
         WHERE reminder_due <= ? AND (reminder_due > ? OR (reminder_due = ? AND id > ?))
         ORDER BY reminder_due, id LIMIT 100",
    )
    .bind((now + AHEAD).naive_utc())
    .bind(now.naive_utc())
    .bind(now.naive_utc())
    .bind(u64::MAX)
    .fetch_one(&db)
    .await
    .unwrap();
    let key: Option<String> = plan.try_get("key").unwrap();
    let access: String = plan.try_get("type").unwrap();
    assert_eq!((key.as_deref(), access.as_str()), (Some("doctor_visits_reminder_due"), "range"));
    // MariaDB writes the estimate as text.
    let rows: Option<String> = plan.try_get("rows").unwrap();
    let rows: u64 = rows.and_then(|rows| rows.parse().ok()).unwrap_or(0);
    assert!(rows <= 40, "{rows} rows for 20 due");
}
