//! Live updates over WebSocket: real clients on the gateway's `/ws`, changes made over HTTP,
//! pushes delivered by the production SDK client through the gateway's `/@connections`.
//!
//! That something did not arrive is shown by order, never by waiting: frames on one socket
//! arrive in the order they were sent, and a change's pushes are sent before its HTTP answer,
//! so a later frame (a push of a later change, or the answer to a later message) arriving first
//! means the earlier one was never sent.

use std::time::Duration as StdDuration;

use chrono::Duration;
use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::harness::{Clinic, Session, TestApp, count, send};

/// The longest a test waits for a frame that must come.
const PATIENCE: StdDuration = StdDuration::from_secs(5);

/// A signed-in user's live connection.
struct Live(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Live {
    async fn open(app: &TestApp, session: &Session) -> Self {
        let token = socket_token(app, session).await;
        let (socket, _) = tokio_tungstenite::connect_async(app.ws_url(&format!("token={token}")))
            .await
            .expect("the socket opens");
        Self(socket)
    }

    async fn send(&mut self, text: &str) {
        self.0.send(Message::text(text)).await.unwrap();
    }

    /// The next text frame, as JSON.
    async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.0.next())
                .await
                .expect("a frame arrives")
                .expect("the socket is open")
                .unwrap();
            match frame {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    /// Subscribes to `stream`, checks the acknowledgement.
    async fn subscribe(&mut self, stream: &str, request_id: u64) {
        let message = json!({"action": "subscribe", "stream": stream, "request_id": request_id});
        self.send(&message.to_string()).await;
        let ack = self.next().await;
        assert_eq!(
            ack,
            json!({"request_id": request_id, "status": "subscribed", "stream": stream})
        );
    }

    /// Sends a message that can only be refused, and answers the refusal: what arrives before
    /// it was sent before it.
    async fn ping(&mut self) -> Value {
        self.send(r#"{"action": "ping", "request_id": "probe"}"#).await;
        self.next().await
    }
}

async fn socket_token(app: &TestApp, session: &Session) -> String {
    let (status, body) = app.get(session, "/auth/socket").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// The status of a refused connection (no upgrade), with its JSON `detail` if it sent one.
async fn refused(app: &TestApp, query: &str) -> (u16, Option<String>) {
    match tokio_tungstenite::connect_async(app.ws_url(query)).await {
        Ok(_) => panic!("the connection with {query:?} was accepted"),
        Err(tungstenite::Error::Http(response)) => {
            let detail = response
                .body()
                .as_ref()
                .and_then(|body| serde_json::from_slice::<Value>(body).ok())
                .and_then(|body| body["detail"].as_str().map(str::to_owned));
            (response.status().as_u16(), detail)
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

async fn post(app: &TestApp, session: &Session, path: &str, body: Value) -> (StatusCode, Value) {
    send(app.as_user(session, Method::POST, path).json(&body)).await
}

/// Creates at `path` and answers the new object's id.
async fn created(app: &TestApp, session: &Session, path: &str, body: Value) -> u64 {
    let (status, body) = post(app, session, path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_u64().unwrap()
}

/// What `session`'s GET of `path` answers.
async fn seen(app: &TestApp, session: &Session, path: &str) -> Value {
    let (status, body) = app.get(session, path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn connections_of(db: &MySqlPool, user_id: u64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM ws_connections WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Waits (up to five seconds) until `user_id` has no connection left; how many are left.
async fn connections_left(db: &MySqlPool, user_id: u64) -> i64 {
    let mut left = connections_of(db, user_id).await;
    for _ in 0..100 {
        if left == 0 {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
        left = connections_of(db, user_id).await;
    }
    left
}

const VISIT_TIME: &str = "2026-12-01T09:00";

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_connection_needs_an_unspent_unexpired_socket_token_of_an_active_user(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;

    assert_eq!(refused(&app, "").await.0, 401, "no token");
    assert_eq!(refused(&app, "token=").await.0, 401, "an empty token");
    assert_eq!(refused(&app, "token=not.a.token").await.0, 401, "not a token");
    let access = clinic.eva.access.clone();
    assert_eq!(refused(&app, &format!("token={access}")).await.0, 401, "an access token");

    let token = socket_token(&app, &clinic.eva).await;
    let _open =
        tokio_tungstenite::connect_async(app.ws_url(&format!("token={token}"))).await.unwrap();
    let (status, detail) = refused(&app, &format!("token={token}")).await;
    assert_eq!(status, 401, "a token already spent");
    assert_eq!(detail.as_deref(), Some("This socket token has already been used."));

    let token = socket_token(&app, &clinic.eva).await;
    app.advance(Duration::seconds(11));
    assert_eq!(refused(&app, &format!("token={token}")).await.0, 401, "a token 11 s old");

    let nils_token = socket_token(&app, &clinic.nils).await;
    let (status, _) =
        app.patch(&clinic.admin, &format!("/users/{}/block", clinic.nils.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refused(&app, &format!("token={nils_token}")).await.0, 403, "a blocked user");

    let recorded = count(&app.db, "SELECT COUNT(*) FROM ws_connections").await;
    assert_eq!(recorded, 1, "only the accepted connection is recorded");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn modality_changes_arrive_as_get_shows_them(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let mut live = Live::open(&app, &root).await;
    live.subscribe("diagnostics", 1).await;

    let id = created(&app, &root, "/diagnostics", json!({"modality": "MRI"})).await;
    let path = format!("/diagnostics/{id}");
    let push = live.next().await;
    assert_eq!(
        push,
        json!({"stream": "diagnostics", "action": "create", "data": seen(&app, &root, &path).await,
               "request_id": 1})
    );

    let (status, _) = app.patch(&root, &path, json!({"modality": "MRI, 3 tesla"})).await;
    assert_eq!(status, StatusCode::OK);
    let push = live.next().await;
    assert_eq!(push["action"], "update");
    let before_deletion = seen(&app, &root, &path).await;
    assert_eq!(push["data"], before_deletion);

    let (status, _) = app.delete(&root, &path).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let push = live.next().await;
    assert_eq!(push["action"], "delete");
    assert_eq!(push["data"], before_deletion, "a deleted object is pushed as it was");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_patient_hears_of_their_own_bookings_and_no_one_elses(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let mri = created(&app, &clinic.admin, "/diagnostics", json!({"modality": "MRI"})).await;
    let mut eva = Live::open(&app, &clinic.eva).await;
    let mut nils = Live::open(&app, &clinic.nils).await;
    let mut operator = Live::open(&app, &clinic.operator).await;
    eva.subscribe("booking_diagnostic", 10).await;
    nils.subscribe("booking_diagnostic", 20).await;
    operator.subscribe("booking_diagnostic", 30).await;

    let book =
        |patient: u64| json!({"user_id": patient, "diagnostics_id": mri, "date_time": VISIT_TIME});
    let evas = created(&app, &clinic.operator, "/booking_diagnostic", book(clinic.eva.id)).await;
    let push = eva.next().await;
    assert_eq!(push["action"], "create");
    assert_eq!(push["request_id"], 10);
    let path = format!("/booking_diagnostic/{evas}");
    assert_eq!(push["data"], seen(&app, &clinic.eva, &path).await, "as Eva's GET shows it");
    assert_eq!(operator.next().await["data"], seen(&app, &clinic.operator, &path).await);

    let nilss = created(&app, &clinic.operator, "/booking_diagnostic", book(clinic.nils.id)).await;
    let push = nils.next().await;
    assert_eq!(push["data"]["id"], nilss, "Nils's first push is his own booking, not Eva's");
    assert_eq!(operator.next().await["data"]["id"], nilss);

    let (status, _) =
        app.patch(&clinic.operator, &path, json!({"date_time": "2026-12-02T10:00"})).await;
    assert_eq!(status, StatusCode::OK);
    let push = eva.next().await;
    assert_eq!(
        (push["action"].clone(), push["data"]["id"].clone()),
        (json!("update"), json!(evas))
    );
    assert_eq!(push["data"], seen(&app, &clinic.eva, &path).await);
    // Nils was not told of Eva's new time: the answer to his next message comes first.
    assert_eq!(nils.ping().await["request_id"], "probe");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_cancelled_visit_arrives_as_an_update_and_a_deleted_one_as_it_was(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let mut eva = Live::open(&app, &clinic.eva).await;
    // QHealth v1's action name.
    eva.send(r#"{"action": "subscribe_to_booking_doctor_model_changes", "request_id": 4}"#).await;
    assert_eq!(
        eva.next().await,
        json!({"request_id": 4, "status": "subscribed", "stream": "booking_doctor"})
    );

    let visit =
        json!({"user_id": clinic.eva.id, "doctor_id": clinic.doctor.id, "date_time": VISIT_TIME});
    let id = created(&app, &clinic.operator, "/booking_doctor", visit).await;
    let path = format!("/booking_doctor/{id}");
    let push = eva.next().await;
    assert_eq!((push["action"].clone(), push["request_id"].clone()), (json!("create"), json!(4)));
    assert_eq!(push["data"], seen(&app, &clinic.eva, &path).await);

    let (status, _) =
        app.patch(&clinic.operator, &format!("/booking_doctor/cancelled/{id}"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let push = eva.next().await;
    assert_eq!(push["action"], "update");
    assert_eq!(push["data"]["status"], "cancelled");
    let cancelled = seen(&app, &clinic.eva, &path).await;
    assert_eq!(push["data"], cancelled);

    let (status, _) = app.delete(&clinic.operator, &path).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let push = eva.next().await;
    assert_eq!((push["action"].clone(), push["data"].clone()), (json!("delete"), cancelled));
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn journals_reach_their_patient_and_the_clinic_but_never_a_pharmacist(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let mut pharmacist = Live::open(&app, &clinic.pharmacist).await;
    pharmacist.send(r#"{"action": "subscribe", "stream": "patient_card", "request_id": 1}"#).await;
    assert_eq!(
        pharmacist.next().await,
        json!({"request_id": 1, "error": "You don't have access to this stream."})
    );
    pharmacist.subscribe("patient_recipe", 2).await;
    let mut eva = Live::open(&app, &clinic.eva).await;
    let mut nils = Live::open(&app, &clinic.nils).await;
    eva.send(r#"{"action": "subscribe_to_patient_card_model_changes", "request_id": 3}"#).await;
    assert_eq!(eva.next().await["status"], "subscribed");
    nils.subscribe("patient_card", 4).await;

    let entry = |patient: u64| json!({"diagnosis": "Migraine", "description": "Aura.", "planning": "Rest.", "user_id": patient});
    let evas = created(&app, &clinic.doctor, "/patient_card", entry(clinic.eva.id)).await;
    let push = eva.next().await;
    assert_eq!(push["data"], seen(&app, &clinic.eva, &format!("/patient_card/{evas}")).await);
    let nilss = created(&app, &clinic.doctor, "/patient_card", entry(clinic.nils.id)).await;
    assert_eq!(nils.next().await["data"]["id"], nilss, "Nils's first push is his own entry");

    let (status, _) = app.delete(&clinic.admin, &format!("/patient_card/{evas}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let push = eva.next().await;
    assert_eq!(
        (push["action"].clone(), push["data"]["id"].clone()),
        (json!("delete"), json!(evas))
    );

    let recipe = json!({"recipe": "Ibuprofen", "description": "400 mg.", "user_id": clinic.eva.id});
    let id = created(&app, &clinic.pharmacist, "/patient_recipe", recipe).await;
    let push = pharmacist.next().await;
    assert_eq!(push["stream"], "patient_recipe", "no journal entry reached the pharmacist first");
    assert_eq!(
        push["data"],
        seen(&app, &clinic.pharmacist, &format!("/patient_recipe/{id}")).await
    );
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_blocked_users_connection_hears_nothing_more_and_is_closed(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let mut doctor = Live::open(&app, &clinic.doctor).await;
    let mut operator = Live::open(&app, &clinic.operator).await;
    doctor.subscribe("diagnostics", 1).await;
    operator.subscribe("diagnostics", 2).await;

    let (status, _) =
        app.patch(&clinic.admin, &format!("/users/{}/block", clinic.doctor.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    created(&app, &clinic.admin, "/diagnostics", json!({"modality": "Ultrasound"})).await;
    assert_eq!(operator.next().await["action"], "create");
    assert_eq!(
        doctor.ping().await,
        json!({"request_id": "probe", "error": "This account is not active."}),
        "the blocked doctor's first frame since blocking is this refusal, not the push"
    );
    let closed = tokio::time::timeout(PATIENCE, doctor.0.next()).await.expect("the socket closes");
    assert!(matches!(closed, None | Some(Ok(Message::Close(_))) | Some(Err(_))), "{closed:?}");
    assert_eq!(connections_left(&app.db, clinic.doctor.id).await, 0);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn connections_are_forgotten_when_their_clients_leave(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let mut live = Live::open(&app, &root).await;
    live.subscribe("diagnostics", 1).await;
    assert_eq!(connections_of(&app.db, root.id).await, 1);
    live.0.close(None).await.unwrap();
    assert_eq!(connections_left(&app.db, root.id).await, 0, "closing deletes the connection");
    let subscriptions = count(&app.db, "SELECT COUNT(*) FROM ws_subscriptions").await;
    assert_eq!(subscriptions, 0, "and its subscriptions");

    // A connection whose client vanished without a word: the push gets 410, the row goes.
    sqlx::query("INSERT INTO ws_connections VALUES ('vanished', ?, NOW(6))")
        .bind(root.id)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("INSERT INTO ws_subscriptions VALUES ('vanished', 'diagnostics', '7', NOW(6))")
        .execute(&app.db)
        .await
        .unwrap();
    created(&app, &root, "/diagnostics", json!({"modality": "CT"})).await;
    assert_eq!(connections_of(&app.db, root.id).await, 0, "forgotten before the answer");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_message_is_answered_even_a_wrong_one(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let mut live = Live::open(&app, &root).await;

    live.send("not json").await;
    let answer = live.next().await;
    assert_eq!(answer["request_id"], Value::Null);
    assert!(answer["error"].as_str().unwrap().starts_with("Send a JSON object"), "{answer}");

    live.send(r#"{"action": "dance", "request_id": 5}"#).await;
    let answer = live.next().await;
    assert_eq!(answer["request_id"], 5);
    assert!(answer["error"].as_str().unwrap().starts_with("Unknown action"), "{answer}");

    live.send(r#"{"action": "subscribe", "stream": "users", "request_id": 6}"#).await;
    assert!(live.next().await["error"].as_str().unwrap().starts_with("Unknown stream"));

    live.subscribe("diagnostics", 7).await;
    live.send(r#"{"action": "unsubscribe", "stream": "diagnostics", "request_id": 8}"#).await;
    assert_eq!(
        live.next().await,
        json!({"request_id": 8, "status": "unsubscribed", "stream": "diagnostics"})
    );
    created(&app, &root, "/diagnostics", json!({"modality": "PET"})).await;
    assert_eq!(live.ping().await["request_id"], "probe", "no push after unsubscribing");
}
