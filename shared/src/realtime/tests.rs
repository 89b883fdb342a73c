//! Who hears of a change, what each is sent, and how often an object is rendered: a database
//! per test, a recording publisher.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use super::*;
use crate::clock::ManualClock;
use crate::config::Config;
use crate::mail::RecordingMailer;

/// Keeps every push; answers 410 for connections named `gone-*`.
#[derive(Default)]
struct Recorder(Mutex<Vec<(String, String)>>);

impl Recorder {
    fn sent(&self) -> Vec<(String, Value)> {
        let sent = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        sent.iter().map(|(id, text)| (id.clone(), serde_json::from_str(text).unwrap())).collect()
    }

    fn to(&self, connection_id: &str) -> Vec<Value> {
        self.sent().into_iter().filter(|(id, _)| id == connection_id).map(|(_, m)| m).collect()
    }
}

impl Publisher for Recorder {
    fn post<'a>(
        &'a self,
        connection_id: &'a str,
        message: &'a str,
    ) -> BoxFuture<'a, Result<(), PushError>> {
        Box::pin(async move {
            if connection_id.starts_with("gone-") {
                return Err(PushError::Gone);
            }
            let mut sent = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            sent.push((connection_id.to_owned(), message.to_owned()));
            Ok(())
        })
    }

    fn disconnect<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), PushError>> {
        Box::pin(async { Ok(()) })
    }
}

fn state(db: MySqlPool, recorder: Arc<Recorder>) -> AppState {
    let config = Config::from_lookup(|_| None).unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 26, 11, 0, 0).unwrap());
    let mailer = Arc::new(RecordingMailer::default());
    AppState::with_publisher(db, config, mailer, clock, Some(recorder))
}

/// A user with `flags` (`is_staff`, `is_active`) and, if given, a staff role; their id.
async fn user(db: &MySqlPool, email: &str, is_staff: bool, is_active: bool, role: &str) -> u64 {
    let id = sqlx::query(
        "INSERT INTO users (email, is_staff, is_active, created_at, updated_at) \
         VALUES (?, ?, ?, NOW(6), NOW(6))",
    )
    .bind(email)
    .bind(is_staff)
    .bind(is_active)
    .execute(db)
    .await
    .unwrap()
    .last_insert_id();
    if !role.is_empty() {
        sqlx::query(
            "INSERT INTO roles (user_id, role, specialty, created_at, updated_at) \
             VALUES (?, ?, IF(? = 'doctor', 'Cardiology', NULL), NOW(6), NOW(6))",
        )
        .bind(id)
        .bind(role)
        .bind(role)
        .execute(db)
        .await
        .unwrap();
    }
    id
}

/// A connection of `user_id` subscribed to `stream` with `request_id` (JSON text).
async fn subscribed(db: &MySqlPool, connection_id: &str, user_id: u64, request_id: &str) {
    sqlx::query(
        "INSERT INTO ws_connections (connection_id, user_id, connected_at) VALUES (?, ?, NOW(6))",
    )
    .bind(connection_id)
    .bind(user_id)
    .execute(db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO ws_subscriptions (connection_id, stream, request_id, created_at) \
         VALUES (?, 'patient_card', ?, NOW(6))",
    )
    .bind(connection_id)
    .bind(request_id)
    .execute(db)
    .await
    .unwrap();
}

#[sqlx::test(migrator = "crate::db::MIGRATOR")]
async fn a_change_reaches_those_who_may_read_it_rendered_once_per_viewer(db: MySqlPool) {
    let admin = user(&db, "admin@x.se", true, true, "").await;
    let doctor = user(&db, "doc@x.se", false, true, "doctor").await;
    let other_doctor = user(&db, "doc2@x.se", false, true, "doctor").await;
    let pharmacist = user(&db, "ph@x.se", false, true, "pharmacist").await;
    let eva = user(&db, "eva@x.se", false, true, "").await;
    let nils = user(&db, "nils@x.se", false, true, "").await;
    let blocked = user(&db, "blocked@x.se", false, false, "doctor").await;
    subscribed(&db, "admin-1", admin, "1").await;
    subscribed(&db, "admin-2", admin, "\"two\"").await;
    subscribed(&db, "doc", doctor, "3").await;
    subscribed(&db, "doc2", other_doctor, "4").await;
    subscribed(&db, "ph", pharmacist, "5").await;
    subscribed(&db, "eva", eva, "6").await;
    subscribed(&db, "nils", nils, "7").await;
    subscribed(&db, "blocked", blocked, "8").await;
    subscribed(&db, "gone-1", doctor, "9").await;
    let recorder = Arc::new(Recorder::default());
    let state = state(db.clone(), recorder.clone());

    let renders = AtomicUsize::new(0);
    let change = Change {
        stream: Stream::PatientCard,
        kind: ChangeKind::Create,
        owner: Some(eva),
        people: vec![eva],
    };
    publish(&state, change, |viewer| {
        renders.fetch_add(1, Ordering::SeqCst);
        json!({"seen_by": viewer.user_id, "staff": viewer.is_staff, "patient": viewer.is_patient})
    })
    .await;

    let mut reached: Vec<String> = recorder.sent().into_iter().map(|(id, _)| id).collect();
    reached.sort();
    // Not the pharmacist (no journals), not another patient, not a blocked account.
    assert_eq!(reached, ["admin-1", "admin-2", "doc", "doc2", "eva"]);
    // Staff, doctors (who are not in the entry) and the patient: three ways of seeing it.
    assert_eq!(renders.load(Ordering::SeqCst), 3);
    let to_eva = &recorder.to("eva")[0];
    assert_eq!(
        *to_eva,
        json!({"stream": "patient_card", "action": "create", "request_id": 6,
               "data": {"seen_by": eva, "staff": false, "patient": true}})
    );
    assert_eq!(recorder.to("admin-2")[0]["request_id"], "two");
    assert_eq!(recorder.to("doc")[0]["data"], recorder.to("doc2")[0]["data"]);

    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ws_connections WHERE connection_id = 'gone-1'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(left, 0, "a connection whose client is gone is forgotten");
}

#[sqlx::test(migrator = "crate::db::MIGRATOR")]
async fn without_a_publisher_nothing_is_read_or_sent(db: MySqlPool) {
    let config = Config::from_lookup(|_| None).unwrap();
    assert!(config.ws_endpoint.is_none());
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 26, 11, 0, 0).unwrap());
    let state = AppState::new(db, config, Arc::new(RecordingMailer::default()), clock);
    assert!(state.publisher.is_none());
    let change = Change {
        stream: Stream::Diagnostics,
        kind: ChangeKind::Delete,
        owner: None,
        people: vec![],
    };
    publish(&state, change, |_| -> Value { panic!("nothing is rendered") }).await;
}

#[test]
fn messages_carry_the_subscription_request_id_or_null() {
    let change = Change {
        stream: Stream::BookingDoctor,
        kind: ChangeKind::Update,
        owner: None,
        people: vec![],
    };
    let parse = |text: String| serde_json::from_str::<Value>(&text).unwrap();
    assert_eq!(
        parse(message(&change, r#"{"id":1}"#, Some("\"a\""))),
        json!({"stream": "booking_doctor", "action": "update", "data": {"id": 1}, "request_id": "a"})
    );
    assert_eq!(parse(message(&change, "{}", None))["request_id"], Value::Null);
    assert_eq!(parse(message(&change, "{}", Some("not json")))["request_id"], Value::Null);
}

#[test]
fn streams_are_named_as_their_collections_and_read_as_their_gets() {
    for stream in Stream::ALL {
        assert_eq!(Stream::from_name(stream.as_str()), Some(stream));
    }
    assert_eq!(Stream::from_name("users"), None);
    assert_eq!(Stream::PatientCard.read_action(), Action::ReadJournalEntry);
    assert_eq!(Stream::PatientRecipe.read_action(), Action::ReadPrescription);
}
