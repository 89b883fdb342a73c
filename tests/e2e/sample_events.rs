//! The sample events in `infra/events/` (for `sam local invoke`) are real requests: each one,
//! given to its own function's router in-process, gets the answer it was written for.

use std::path::{Path, PathBuf};

use axum::Router;
use qhealth::AppState;
use reqwest::StatusCode;
use sqlx::MySqlPool;
use tower::ServiceExt;

use crate::harness::TestApp;

/// Where the HTTP functions' events live, and the token placeholder they carry.
const TOKEN_PLACEHOLDER: &str = "REPLACE_WITH_ACCESS_TOKEN";

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/events")
}

/// The router of the HTTP function whose events are in `infra/events/<function>/`.
fn router_of(function: &str) -> Option<Router<AppState>> {
    Some(match function {
        "auth" => qhealth_auth::router(),
        "users" => qhealth_users::router(),
        "roles" => qhealth_roles::router(),
        "diagnostics" => qhealth_diagnostics::router(),
        "booking-diagnostic" => qhealth_booking_diagnostic::router(),
        "booking-doctor" => qhealth_booking_doctor::router(),
        "patient-card" => qhealth_patient_card::router(),
        "patient-recipe" => qhealth_patient_recipe::router(),
        "security" => qhealth_security::router(),
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
    assert_eq!(functions.len(), 9, "a sample event for every HTTP function: {functions:?}");

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
