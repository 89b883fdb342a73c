//! The same router behind the Lambda adapter: an API Gateway (HTTP API, payload 2.0) event in,
//! the contract's answer out, with the caller's address taken from the event, not a header.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::MySqlPool;
use tower::ServiceExt;

use crate::harness::{PASSWORD, TestApp};

fn api_gateway_event(method: &str, path: &str, body: &Value, source_ip: &str) -> String {
    json!({
        "version": "2.0",
        "routeKey": format!("ANY {path}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            // A client can send this; it must change nothing.
            "x-forwarded-for": "198.51.100.77"
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "qhealthapi",
            "domainName": "qhealthapi.execute-api.eu-north-1.amazonaws.com",
            "domainPrefix": "qhealthapi",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": "e2e"
            },
            "requestId": "apigw-request-1",
            "routeKey": format!("ANY {path}"),
            "stage": "$default",
            "time": "26/Nov/2026:11:00:00 +0000",
            "timeEpoch": 1_795_690_800_000_u64
        },
        "body": body.to_string(),
        "isBase64Encoded": false
    })
    .to_string()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_api_gateway_event_is_served_by_the_same_router(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.superuser().await;
    let router = qhealth::http::api(qhealth_auth::router()).with_state(app.state.clone());

    let body = json!({"email": "root@clinic.test", "password": PASSWORD});
    let event = api_gateway_event("POST", "/api/auth", &body, "203.0.113.9");
    let request = lambda_http::request::from_str(&event).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-request-id"], "apigw-request-1");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let tokens: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(tokens["access"].is_string());

    let recorded: String =
        sqlx::query_scalar("SELECT ip_address FROM login_attempts ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(recorded, "203.0.113.9");

    // Throttling counts the event's address too.
    for _ in 0..5 {
        let wrong = json!({"email": "root@clinic.test", "password": "Wrong#123"});
        let event = api_gateway_event("POST", "/api/auth", &wrong, "203.0.113.10");
        let request = lambda_http::request::from_str(&event).unwrap();
        router.clone().oneshot(request).await.unwrap();
    }
    let event = api_gateway_event("POST", "/api/auth", &body, "203.0.113.11");
    let request = lambda_http::request::from_str(&event).unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "the account is blocked");
}

/// On Lambda each instance has a pool of two connections and serves one request at a time. A
/// list takes one connection for the whole request (the caller, the page, the count, the
/// embedded users): with a pool of one, a handler that wanted a second would wait for itself
/// until the pool's timeout and answer 500.
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_list_works_on_a_single_connection(db: MySqlPool) {
    let seeding = TestApp::spawn(db.clone()).await;
    let root = seeding.superuser().await;
    let eva = seeding.patient("eva@clinic.test").await;
    let post = |path: &'static str, body: Value| {
        crate::harness::send(seeding.as_user(&root, reqwest::Method::POST, path).json(&body))
    };
    let (_, mri) = post("/diagnostics", json!({"modality": "MRI"})).await;
    let booking =
        json!({"diagnostics_id": mri["id"], "user_id": eva.id, "date_time": "2026-12-01T09:00"});
    assert_eq!(post("/booking_diagnostic", booking).await.0, StatusCode::CREATED);
    let entry = json!({"diagnosis": "Flu", "description": "-", "planning": "-", "user_id": eva.id});
    assert_eq!(post("/patient_card", entry).await.0, StatusCode::CREATED);
    let recipe = json!({"recipe": "Rest", "description": "-", "user_id": eva.id});
    assert_eq!(post("/patient_recipe", recipe).await.0, StatusCode::CREATED);

    let one = sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(2))
        .connect_with((*db.connect_options()).clone())
        .await
        .unwrap();
    let app = TestApp::spawn(one).await;
    for list in [
        "/users",
        "/users/patient",
        "/roles",
        "/roles/doctor_list",
        "/diagnostics",
        "/booking_diagnostic",
        "/booking_doctor",
        "/patient_card",
        "/patient_recipe",
        "/security",
    ] {
        // A fresh gateway has no cached totals: every list also counts.
        let (status, page) = app.get(&root, list).await;
        assert_eq!(status, StatusCode::OK, "{list}: {page}");
    }
}
