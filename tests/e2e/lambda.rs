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
