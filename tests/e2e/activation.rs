//! New activation links: asked for by the person whose link expired (`POST /auth/activation`),
//! or sent by staff (`PATCH /users/{id}/resend_activation`).

use chrono::Duration;
use qhealth::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{PASSWORD, TestApp, count, profile, send, user_id_of};

/// Activation e-mails queued for `address` so far (queued before the answer, sent after it).
async fn activation_mails(app: &TestApp, address: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_outbox WHERE recipient = ? AND kind = 'activation'",
    )
    .bind(address)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn ask_for_activation(app: &TestApp, email: &str) -> (StatusCode, Value) {
    app.post_anonymous("/auth/activation", json!({"email": email})).await
}

async fn activate_with(app: &TestApp, token: &str) -> (StatusCode, Value) {
    send(app.request(Method::PATCH, &format!("/auth/activate/{token}"))).await
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_expired_link_is_replaced_by_asking_for_a_new_one(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.register("eva@clinic.test", profile("Eva", "Lind")).await;
    let expired = app.link_token("eva@clinic.test", "/auth/activate/");
    app.advance(Duration::minutes(31));
    assert_eq!(activate_with(&app, &expired).await.0, StatusCode::UNAUTHORIZED);

    let (status, body) = ask_for_activation(&app, "  EVA@Clinic.test ").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("new activation link"), "{body}");
    // Activation and welcome at registration, then the new link.
    let emails = app.wait_for_emails("eva@clinic.test", 3).await;
    assert_eq!(emails[2].subject, "Activate your QHealth account");
    let fresh = app.link_token("eva@clinic.test", "/auth/activate/");
    assert_ne!(fresh, expired);

    let (status, user) = activate_with(&app, &fresh).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["is_active"], true);
    assert_eq!(activate_with(&app, &fresh).await.0, StatusCode::UNAUTHORIZED, "single use");
    assert_eq!(app.login("eva@clinic.test", PASSWORD).await.0, StatusCode::OK);

    // The new link lives 30 minutes too.
    app.register("lars@clinic.test", profile("Lars", "Ek")).await;
    ask_for_activation(&app, "lars@clinic.test").await;
    app.wait_for_emails("lars@clinic.test", 3).await;
    let late = app.link_token("lars@clinic.test", "/auth/activate/");
    app.advance(Duration::minutes(30));
    assert_eq!(activate_with(&app, &late).await.0, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn asking_for_an_activation_link_reveals_nothing_and_sends_nothing_needless(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    app.register("waiting@clinic.test", profile("Vera", "Ek")).await;
    app.patient("active@clinic.test").await;
    let blocked = app.patient("blocked@clinic.test").await;
    let (status, _) = app.patch(&root, &format!("/users/{}/block", blocked.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);

    let (status, waiting) = ask_for_activation(&app, "waiting@clinic.test").await;
    assert_eq!(status, StatusCode::OK);
    for address in ["nobody@clinic.test", "active@clinic.test", "blocked@clinic.test"] {
        let (status, answer) = ask_for_activation(&app, address).await;
        assert_eq!(status, StatusCode::OK, "{address}");
        assert_eq!(answer, waiting, "{address}: the same answer as for a waiting account");
    }
    assert_eq!(activation_mails(&app, "waiting@clinic.test").await, 2);
    // Only their first links, from registration.
    for address in ["active@clinic.test", "blocked@clinic.test"] {
        assert_eq!(activation_mails(&app, address).await, 1, "{address}");
    }
    assert_eq!(activation_mails(&app, "nobody@clinic.test").await, 0);

    let (status, body) = app.post_anonymous("/auth/activation", json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["email"].is_array(), "{body}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn activation_links_on_request_are_limited_to_three_in_ten_minutes(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.register("eva@clinic.test", profile("Eva", "Lind")).await;
    for _ in 0..4 {
        let (status, _) = ask_for_activation(&app, "eva@clinic.test").await;
        assert_eq!(status, StatusCode::OK);
    }
    // The registration's link counts: two more, then no more for a while.
    assert_eq!(activation_mails(&app, "eva@clinic.test").await, 3);
    app.advance(Duration::minutes(11));
    ask_for_activation(&app, "eva@clinic.test").await;
    assert_eq!(activation_mails(&app, "eva@clinic.test").await, 4);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_send_a_new_activation_link_that_activates(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.register("eva@clinic.test", profile("Eva", "Lind")).await;
    let eva = user_id_of(&app.db, "eva@clinic.test").await;
    app.advance(Duration::minutes(45)); // her first link has expired
    let root = app.superuser().await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;

    for (n, staff) in [&root, &admin].into_iter().enumerate() {
        let path = format!("/users/{eva}/resend_activation");
        let (status, user) = app.patch(staff, &path, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{}: {user}", staff.email);
        assert_eq!(user["id"], eva);
        assert_eq!(user["is_active"], false, "the link activates, not the request");
        let emails = app.emails_to("eva@clinic.test");
        assert_eq!(emails.len(), 3 + n, "activation and welcome, then one per request");
        assert_eq!(emails.last().unwrap().subject, "Activate your QHealth account");
    }
    let token = app.link_token("eva@clinic.test", "/auth/activate/");
    let (status, user) = activate_with(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(app.login("eva@clinic.test", PASSWORD).await.0, StatusCode::OK);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn only_staff_send_activation_links(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    app.register("eva@clinic.test", profile("Eva", "Lind")).await;
    let eva = user_id_of(&app.db, "eva@clinic.test").await;
    let others = [
        app.staff("doc@clinic.test", Role::Doctor).await,
        app.staff("op@clinic.test", Role::Operator).await,
        app.staff("ph@clinic.test", Role::Pharmacist).await,
        app.patient("pat@clinic.test").await,
    ];
    let path = format!("/users/{eva}/resend_activation");
    for other in &others {
        let (status, body) = app.patch(other, &path, json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}: {body}", other.email);
        assert_eq!(body["detail"], "You don't have access.");
    }
    let (status, _) = send(app.request(Method::PATCH, &path)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(activation_mails(&app, "eva@clinic.test").await, 1, "only the registration's");

    let (status, body) = app.patch(&root, "/users/999999/resend_activation", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_activated_account_gets_no_activation_link_but_a_409(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let active = app.patient("active@clinic.test").await;
    let blocked = app.patient("blocked@clinic.test").await;
    app.patch(&root, &format!("/users/{}/block", blocked.id), json!({})).await;

    for (person, id) in [("active", active.id), ("blocked", blocked.id), ("oneself", root.id)] {
        let (status, body) =
            app.patch(&root, &format!("/users/{id}/resend_activation"), json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{person}: {body}");
        assert!(body["detail"].as_str().unwrap().contains("already been activated"), "{body}");
    }
    let queued =
        count(&app.db, "SELECT COUNT(*) FROM email_outbox WHERE kind = 'activation'").await;
    assert_eq!(queued, 2, "only the two registrations' links");
}
