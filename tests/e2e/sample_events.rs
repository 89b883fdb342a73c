//! The sample events in `infra/events/` (for `sam local invoke`) are real requests: each one,
//! given to its own function's handler in-process, gets the answer it was written for.

use std::path::{Path, PathBuf};

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use axum::Router;
use qhealth::AppState;
use reqwest::StatusCode;
use sqlx::MySqlPool;
use tower::ServiceExt;

use qhealth_scheduler::{Context, LambdaEvent};

use crate::harness::{TestApp, count};

/// Where the HTTP functions' events live, and the token placeholder they carry.
const TOKEN_PLACEHOLDER: &str = "REPLACE_WITH_ACCESS_TOKEN";

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/events")
}

/// The router of the HTTP function whose events are in `infra/events/<function>/`.
fn router_of(function: &str) -> Option<Router<AppState>> {
    Some(match function {
        "auth" => qhealth_auth::router().into(),
        "users" => qhealth_users::router().into(),
        "roles" => qhealth_roles::router().into(),
        "diagnostics" => qhealth_diagnostics::router().into(),
        "booking-diagnostic" => qhealth_booking_diagnostic::router().into(),
        "booking-doctor" => qhealth_booking_doctor::router().into(),
        "patient-card" => qhealth_patient_card::router().into(),
        "patient-recipe" => qhealth_patient_recipe::router().into(),
        "sick-leave" => qhealth_sick_leave::router().into(),
        "audit" => qhealth_audit::router().into(),
        "security" => qhealth_security::router().into(),
        "docs" => qhealth_docs::router(qhealth_docs::COMMITTED_DOCUMENT),
        _ => return None,
    })
}

/// What each event is written to get; every other event is a read answered 200.
fn expected_status(event: &str) -> StatusCode {
    match event {
        "users/register.json" | "diagnostics/create.json" => StatusCode::CREATED,
        _ => StatusCode::OK,
    }
}

fn http_events() -> Vec<(String, String)> {
    let mut events = Vec::new();
    for function in std::fs::read_dir(events_dir()).unwrap() {
        let function = function.unwrap();
        let name = function.file_name().into_string().unwrap();
        if router_of(&name).is_none() {
            continue;
        }
        for event in std::fs::read_dir(function.path()).unwrap() {
            let event = event.unwrap().file_name().into_string().unwrap();
            events.push((name.clone(), event));
        }
    }
    events.sort();
    events
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_http_sample_event_gets_its_answer_from_its_own_function(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let events = http_events();
    let functions: std::collections::BTreeSet<_> = events.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(functions.len(), 12, "a sample event for every HTTP function: {functions:?}");

    for (function, event) in &events {
        let path = events_dir().join(function).join(event);
        let text = std::fs::read_to_string(&path).unwrap().replace(TOKEN_PLACEHOLDER, &root.access);
        let request = lambda_http::request::from_str(&text)
            .unwrap_or_else(|error| panic!("{function}/{event} is not an HTTP API event: {error}"));
        let router = qhealth::http::api(router_of(function).unwrap()).with_state(app.state.clone());
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let key = format!("{function}/{event}");
        assert_eq!(status, expected_status(&key), "{key}: {}", String::from_utf8_lossy(&body));
    }
}

fn sample(path: &str) -> String {
    std::fs::read_to_string(events_dir().join(path)).unwrap()
}

async fn connections(app: &TestApp) -> (i64, i64) {
    let connections = count(&app.db, "SELECT COUNT(*) FROM ws_connections").await;
    let subscriptions = count(&app.db, "SELECT COUNT(*) FROM ws_subscriptions").await;
    (connections, subscriptions)
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_websocket_sample_events_connect_subscribe_and_disconnect(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let (status, body) = app.get(&root, "/auth/socket").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let socket_token = body["token"].as_str().unwrap();

    let steps = [
        ("ws/connect.json", (1, 0)),
        ("ws/message-subscribe.json", (1, 1)),
        ("ws/disconnect.json", (0, 0)),
    ];
    for (event, rows_after) in steps {
        let text = sample(event).replace("REPLACE_WITH_SOCKET_TOKEN", socket_token);
        let request: ApiGatewayWebsocketProxyRequest = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{event} is not a WebSocket event: {error}"));
        let response = qhealth_ws::handle(&app.state, request).await;
        assert_eq!(response.status_code, 200, "{event}: {:?}", response.body);
        assert_eq!(connections(&app).await, rows_after, "{event}: connections, subscriptions");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_scheduler_sample_events_run_their_jobs(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    for (event, job) in [
        ("scheduler/outbox.json", "outbox"),
        ("scheduler/reminders.json", "reminders"),
        ("scheduler/greetings.json", "greetings"),
        ("scheduler/migrate.json", "migrate"),
        ("scheduler/create-superuser.json", "create_superuser"),
    ] {
        let payload = serde_json::from_str(&sample(event))
            .unwrap_or_else(|error| panic!("{event} is not an EventBridge event: {error}"));
        let invocation = LambdaEvent::new(payload, Context::default());
        let report = qhealth_scheduler::handle(&app.state, invocation)
            .await
            .unwrap_or_else(|error| panic!("{event}: {error}"));
        assert_eq!(serde_json::to_value(&report).unwrap()["job"], job, "{event}");
    }
}
