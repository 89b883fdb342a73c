use std::collections::HashSet;

use chrono::Duration;
use qhealth::mail::Notification;
use sqlx::MySqlPool;

use super::*;
use crate::testing::{Harness, clinic_time, harness};

/// Fast enough that pacing never matters to a test, unless it asks for a small budget.
const QUICK: &[(&str, &str)] = &[("MAIL_RATE_PER_SECOND", "1000")];

fn at_noon(db: MySqlPool, settings: &[(&str, &str)]) -> Harness {
    harness(db, settings, clinic_time("2026-11-26", 12))
}

/// `count` e-mails due now and claimed by nobody, as the greetings pass writes them.
async fn waiting(h: &Harness, count: u32) {
    let now = h.state.now();
    for n in 1..=count {
        sqlx::query(
            "INSERT INTO email_outbox
               (kind, recipient, subject, body_html, body_text, next_attempt_at, created_at,
                updated_at)
             VALUES ('christmas', ?, 'Merry Christmas', '<p>Hi</p>', 'Hi', ?, ?, ?)",
        )
        .bind(format!("person{n}@clinic.test"))
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(&h.db)
        .await
        .unwrap();
    }
}

#[derive(Debug, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    claimed_until: Option<DateTime<Utc>>,
    sent_at: Option<DateTime<Utc>>,
    failed_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

async fn rows(db: &MySqlPool) -> Vec<Row> {
    sqlx::query_as(
        "SELECT attempts, next_attempt_at, claimed_until, sent_at, failed_at, last_error
         FROM email_outbox ORDER BY id",
    )
    .fetch_all(db)
    .await
    .unwrap()
}

async fn pass(h: &Harness) -> OutboxReport {
    run(&h.state).await.unwrap()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn due_e_mails_are_sent_once_and_marked_sent(db: MySqlPool) {
    let h = at_noon(db.clone(), QUICK);
    waiting(&h, 3).await;
    let report = pass(&h).await;
    assert_eq!((report.sent, report.retry_later, report.budget_spent), (3, 0, false));
    let now = h.state.now();
    for row in rows(&db).await {
        assert_eq!((row.attempts, row.sent_at, row.claimed_until), (1, Some(now), None));
    }
    assert_eq!(pass(&h).await.sent, 0);
    let sent: Vec<String> = h.mailer.sent().into_iter().map(|email| email.to).collect();
    assert_eq!(sent, ["person1@clinic.test", "person2@clinic.test", "person3@clinic.test"]);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_e_mail_ses_refuses_is_kept_and_its_retry_sends_it_once(db: MySqlPool) {
    let h = at_noon(db.clone(), QUICK);
    waiting(&h, 1).await;
    h.mailer.set_failing(true);
    let report = pass(&h).await;
    assert_eq!((report.sent, report.retry_later), (0, 1));
    let row = &rows(&db).await[0];
    assert_eq!((row.attempts, row.sent_at, row.failed_at), (1, None, None));
    assert_eq!(row.last_error.as_deref(), Some("mail service unavailable"));
    assert_eq!(row.next_attempt_at, h.state.now() + Duration::minutes(1));

    h.mailer.set_failing(false);
    assert_eq!(pass(&h).await.sent, 0, "not before its time");
    h.clock.advance(Duration::minutes(1));
    assert_eq!(pass(&h).await.sent, 1);
    assert_eq!(pass(&h).await.sent, 0);
    assert_eq!(h.mailer.sent().len(), 1);
    assert_eq!(rows(&db).await[0].attempts, 2);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_backoff_doubles_until_the_last_attempt_gives_up(db: MySqlPool) {
    let h = at_noon(db.clone(), &[("MAIL_RATE_PER_SECOND", "1000"), ("MAIL_MAX_ATTEMPTS", "5")]);
    waiting(&h, 1).await;
    h.mailer.set_failing(true);
    let mut waits = Vec::new();
    for _ in 0..4 {
        assert_eq!(pass(&h).await.retry_later, 1);
        let wait = rows(&db).await[0].next_attempt_at - h.state.now();
        waits.push(wait.num_minutes());
        h.clock.advance(wait);
    }
    assert_eq!(waits, [1, 2, 4, 8]);

    let report = pass(&h).await;
    assert_eq!((report.retry_later, report.given_up), (0, 1));
    let row = &rows(&db).await[0];
    assert_eq!((row.attempts, row.failed_at, row.sent_at), (5, Some(h.state.now()), None));

    // Given up for good: not tried again, even once SES works and days have passed.
    h.mailer.set_failing(false);
    h.clock.advance(Duration::days(3));
    assert_eq!(pass(&h).await, OutboxReport::default());
    assert_eq!(rows(&db).await[0].attempts, 5);
    assert!(h.mailer.sent().is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn two_overlapping_passes_send_each_e_mail_once(db: MySqlPool) {
    let h = at_noon(db.clone(), QUICK);
    waiting(&h, 3 * CLAIM_BATCH + 7).await;
    let (a, b) = tokio::join!(run(&h.state), run(&h.state));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 3 * CLAIM_BATCH + 7);
    let sent: Vec<String> = h.mailer.sent().into_iter().map(|email| email.to).collect();
    let distinct: HashSet<&String> = sent.iter().collect();
    assert_eq!((sent.len(), distinct.len()), (157, 157));
    assert!(rows(&db).await.iter().all(|row| row.attempts == 1 && row.sent_at.is_some()));
}

/// At 2 a second within 2 seconds, a pass sends 4 and leaves the rest, released, for the next
/// pass.
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_pass_keeps_to_the_rate_within_its_budget_and_leaves_the_rest_due(db: MySqlPool) {
    let h = at_noon(db.clone(), &[("MAIL_RATE_PER_SECOND", "2"), ("MAIL_PASS_SECONDS", "2")]);
    waiting(&h, 10).await;
    let report = pass(&h).await;
    assert_eq!((report.sent, report.budget_spent), (4, true));
    let unsent: Vec<Row> =
        rows(&db).await.into_iter().filter(|row| row.sent_at.is_none()).collect();
    assert_eq!(unsent.len(), 6);
    assert!(unsent.iter().all(|row| row.claimed_until.is_none() && row.attempts == 0));

    assert_eq!(pass(&h).await.sent, 4, "the next pass needs no wait for claims to run out");
    let last = pass(&h).await;
    assert_eq!((last.sent, last.budget_spent), (2, false));
    assert_eq!(h.mailer.sent().len(), 10);
}

/// A request that has just queued an e-mail is sending it: the pass leaves it alone until the
/// request's claim has run out (the request died without recording anything).
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_e_mail_a_request_is_sending_is_left_to_it(db: MySqlPool) {
    let h = at_noon(db.clone(), QUICK);
    let mut tx = h.db.begin().await.unwrap();
    let welcome = Notification::Welcome { name: "Eva".into() };
    mail::queue(&mut tx, &h.state, "eva@clinic.test", welcome).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(pass(&h).await.sent, 0);
    h.clock.advance(CLAIM);
    assert_eq!(pass(&h).await.sent, 1);
    assert_eq!(h.mailer.sent_to("eva@clinic.test").len(), 1);
}

/// Christmas's greetings are waiting, and a request's e-mail failed a minute ago: its retry
/// goes first, not two hours later.
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn notifications_go_before_the_greetings_waiting(db: MySqlPool) {
    let h = at_noon(db.clone(), &[("MAIL_RATE_PER_SECOND", "1"), ("MAIL_PASS_SECONDS", "1")]);
    waiting(&h, 3).await;
    sqlx::query("UPDATE email_outbox SET bulk = TRUE").execute(&db).await.unwrap();
    h.clock.advance(Duration::minutes(1));
    let mut tx = h.db.begin().await.unwrap();
    let welcome = Notification::Welcome { name: "Eva".into() };
    let queued = mail::queue(&mut tx, &h.state, "eva@clinic.test", welcome).await.unwrap();
    tx.commit().await.unwrap();
    h.mailer.set_failing(true);
    mail::deliver(&h.state, [queued]).await;
    h.mailer.set_failing(false);
    h.clock.advance(Duration::minutes(1));

    assert_eq!(pass(&h).await.sent, 1, "one a second, for a second");
    let sent: Vec<String> = h.mailer.sent().into_iter().map(|email| email.to).collect();
    assert_eq!(sent, ["eva@clinic.test"]);
}

/// A booking's e-mail that SES refused keeps its calendar event for the retry.
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_attachment_waits_with_its_e_mail_and_goes_out_with_it(db: MySqlPool) {
    let h = at_noon(db.clone(), QUICK);
    let booked = Notification::DiagnosticBookedByStaff {
        name: "Eva".into(),
        modality: "MRI".into(),
        when: "Tuesday 1 December 2026, 09:00 CET".into(),
        booking_id: 7,
        starts_at: clinic_time("2026-12-01", 9),
    };
    let mut tx = h.db.begin().await.unwrap();
    let queued = mail::queue(&mut tx, &h.state, "eva@clinic.test", booked).await.unwrap();
    tx.commit().await.unwrap();
    let written = queued.email.attachment.clone().unwrap();
    h.mailer.set_failing(true);
    mail::deliver(&h.state, [queued]).await;
    h.mailer.set_failing(false);
    h.clock.advance(Duration::minutes(1));

    assert_eq!(pass(&h).await.sent, 1);
    let sent = h.mailer.sent_to("eva@clinic.test");
    assert_eq!(sent[0].attachment.as_ref(), Some(&written));
    assert_eq!(written.filename, "diagnostic.ics");
    assert!(written.content.contains("UID:diagnostic-7@qhealth.local\r\n"), "{}", written.content);
}
