//! `/api/auth`, row by row.

use chrono::Duration;
use qhealth::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::MySqlPool;

use crate::harness::{PASSWORD, TestApp, count, send};

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn login_issues_tokens_and_is_recorded_in_login_history(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;

    let (status, body) = app.get(&root, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let recorded: (String, String, bool) = sqlx::query_as(
        "SELECT email, ip_address, success FROM login_attempts ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(recorded, ("root@clinic.test".into(), "127.0.0.1".into(), true));
    let (_, user) = app.get(&root, &format!("/users/{}", root.id)).await;
    assert!(user["last_login"].is_string(), "{user}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.superuser().await;

    let (status, wrong_password) = app.login("root@clinic.test", "Wrong#123").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, unknown) = app.login("nobody@clinic.test", "Wrong#123").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password, unknown);
    // E-mails are matched as typed, whatever their case.
    let (status, _) = app.login("  ROOT@Clinic.TEST ", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    let failures = count(&app.db, "SELECT COUNT(*) FROM login_attempts WHERE NOT success").await;
    assert_eq!(failures, 2);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn accounts_that_are_not_active_cannot_sign_in(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.register("new@clinic.test", crate::harness::profile("Nils", "Berg")).await;

    let (status, body) = app.login("new@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["detail"].as_str().unwrap().contains("not active"), "{body}");
    // Without the password nothing is revealed about the account.
    let (status, body) = app.login("new@clinic.test", "Wrong#123").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!body["detail"].as_str().unwrap().contains("not active"), "{body}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn five_failures_from_one_address_block_that_address_for_ten_minutes(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.superuser().await;
    let login_from = |octet: u8, email: &str, password: &str| {
        app.request_from(octet, Method::POST, "/auth")
            .json(&json!({"email": email, "password": password}))
    };

    for n in 0..5 {
        let (status, _) = send(login_from(2, &format!("guess{n}@clinic.test"), "Wrong#123")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let response = login_from(2, "root@clinic.test", PASSWORD).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "600");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["detail"], "Too many failed login attempts. Try again in 10 minutes.");

    // Another address is not affected.
    let (status, _) = send(login_from(3, "root@clinic.test", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK);

    app.advance(Duration::minutes(4));
    let response = login_from(2, "root@clinic.test", PASSWORD).send().await.unwrap();
    assert_eq!(response.headers()["retry-after"], "360");
    app.advance(Duration::minutes(6));
    let (status, _) = send(login_from(2, "root@clinic.test", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn five_failures_for_one_account_block_it_from_every_address(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.superuser().await;
    let login_from = |octet: u8, password: &str| {
        app.request_from(octet, Method::POST, "/auth")
            .json(&json!({"email": "root@clinic.test", "password": password}))
    };
    for octet in 2..7 {
        let (status, _) = send(login_from(octet, "Wrong#123")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = send(login_from(7, PASSWORD)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Blocked attempts are recorded but do not extend the block.
    app.advance(Duration::minutes(10));
    let (status, _) = send(login_from(8, PASSWORD)).await;
    assert_eq!(status, StatusCode::OK);
    let blocked_attempts =
        count(&app.db, "SELECT COUNT(*) FROM login_attempts WHERE ip_address = '127.0.0.7'").await;
    assert_eq!(blocked_attempts, 1);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn failures_spread_over_more_than_ten_minutes_do_not_block(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.superuser().await;
    for _ in 0..4 {
        app.login("someone@clinic.test", "Wrong#123").await;
    }
    app.advance(Duration::minutes(10));
    for _ in 0..4 {
        let (status, _) = app.login("someone@clinic.test", "Wrong#123").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app.login("root@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_successful_login_clears_the_address_count(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.superuser().await;
    for round in 0..2 {
        for n in 0..4 {
            let (status, _) = app.login(&format!("typo{round}{n}@clinic.test"), "Wrong#123").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _) = app.login("root@clinic.test", PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "round {round}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn refresh_rotates_and_a_reused_refresh_token_ends_the_session(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let mut root = app.superuser().await;
    let first_refresh = root.refresh.clone();

    let (status, pair) =
        app.post_anonymous("/auth/refresh", json!({"refresh": first_refresh})).await;
    assert_eq!(status, StatusCode::OK, "{pair}");
    assert_ne!(pair["refresh"], first_refresh.as_str());
    root.access = pair["access"].as_str().unwrap().to_owned();
    let (status, _) = app.get(&root, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::OK);

    // The old refresh token again: theft. The whole family ends, new tokens included.
    let (status, _) = app.post_anonymous("/auth/refresh", json!({"refresh": first_refresh})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) =
        app.post_anonymous("/auth/refresh", json!({"refresh": pair["refresh"]})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.get(&root, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn tokens_expire_access_after_ten_minutes_refresh_after_twenty(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    app.advance(Duration::minutes(10));
    let (status, _) = app.get(&root, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, pair) =
        app.post_anonymous("/auth/refresh", json!({"refresh": root.refresh})).await;
    assert_eq!(status, StatusCode::OK);
    app.advance(Duration::minutes(20));
    let (status, _) =
        app.post_anonymous("/auth/refresh", json!({"refresh": pair["refresh"]})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn each_token_type_is_accepted_only_where_it_belongs(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    // A refresh token is no bearer token, and an access token refreshes nothing.
    let (status, _) =
        send(app.request(Method::GET, "/auth/qhealth_role").bearer_auth(&root.refresh)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.post_anonymous("/auth/refresh", json!({"refresh": root.access})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) =
        send(app.request(Method::PATCH, &format!("/auth/activate/{}", root.access))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, socket) = app.get(&root, "/auth/socket").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        app.request(Method::GET, "/auth/qhealth_role")
            .bearer_auth(socket["token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // No token, or a malformed header.
    let (status, body) = send(app.request(Method::GET, "/auth/socket")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["detail"], "Authentication credentials were not provided.");
    let (status, _) =
        send(app.request(Method::GET, "/auth/socket").header("Authorization", "Basic abc")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn logout_ends_that_session_only(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let laptop = app.superuser().await;
    let phone = app.session("root@clinic.test", PASSWORD).await;

    let (status, _) = app.post_anonymous("/auth/logout", json!({"refresh": laptop.refresh})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get(&laptop, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.post_anonymous("/auth/refresh", json!({"refresh": laptop.refresh})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.get(&phone, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.post_anonymous("/auth/logout", json!({"refresh": "forged"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn activation_links_work_once_and_for_thirty_minutes(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.register("eva@clinic.test", crate::harness::profile("Eva", "Lind")).await;
    let token = app.link_token("eva@clinic.test", "/auth/activate/");

    app.advance(Duration::minutes(29));
    let (status, user) = send(app.request(Method::PATCH, &format!("/auth/activate/{token}"))).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["is_active"], true);
    assert_eq!(user["email"], "eva@clinic.test");
    let (status, _) = send(app.request(Method::PATCH, &format!("/auth/activate/{token}"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    app.register("late@clinic.test", crate::harness::profile("Lars", "Ek")).await;
    let late = app.link_token("late@clinic.test", "/auth/activate/");
    app.advance(Duration::minutes(30));
    let (status, _) = send(app.request(Method::PATCH, &format!("/auth/activate/{late}"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send(app.request(Method::PATCH, "/auth/activate/garbage")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_blocked_account_cannot_be_reactivated_with_an_old_link(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    app.register("eva@clinic.test", crate::harness::profile("Eva", "Lind")).await;
    let first = app.link_token("eva@clinic.test", "/auth/activate/");
    // She asks again (the recovery form re-sends the activation link), then uses one of them.
    app.post_anonymous("/auth/recovery", json!({"email": "eva@clinic.test"})).await;
    app.wait_for_emails("eva@clinic.test", 3).await;
    let second = app.link_token("eva@clinic.test", "/auth/activate/");
    assert_ne!(first, second);
    send(app.request(Method::PATCH, &format!("/auth/activate/{first}"))).await;
    let eva = crate::harness::user_id_of(&app.db, "eva@clinic.test").await;
    let (status, _) = app.patch(&root, &format!("/users/{eva}/block"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(app.request(Method::PATCH, &format!("/auth/activate/{second}"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.login("eva@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_created_without_a_password_choose_one_on_activation(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let now = app.state.now();
    let id = sqlx::query(
        "INSERT INTO users (email, created_at, updated_at) VALUES ('doc@clinic.test', ?, ?)",
    )
    .bind(now)
    .bind(now)
    .execute(&app.db)
    .await
    .unwrap()
    .last_insert_id();
    sqlx::query("INSERT INTO profiles (user_id, name, surname, created_at, updated_at) VALUES (?, 'Dag', 'Ek', ?, ?)")
        .bind(id)
        .bind(now)
        .bind(now)
        .execute(&app.db)
        .await
        .unwrap();
    let claims = qhealth::auth::Claims::new(qhealth::auth::TokenType::Activate, id, now);
    let token = app.state.tokens.sign(&claims).unwrap();
    let path = format!("/auth/activate/{token}");

    let (status, body) = send(app.request(Method::PATCH, &path)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["password"].is_array(), "{body}");
    let (status, body) =
        send(app.request(Method::PATCH, &path).json(&json!({"password": "short"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // The refusals did not spend the link.
    let (status, _) =
        send(app.request(Method::PATCH, &path).json(&json!({"password": "Chosen#2026"}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.login("doc@clinic.test", "Chosen#2026").await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn password_recovery_never_reveals_whether_an_account_exists(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let eva = app.patient("eva@clinic.test").await;
    let sent_before = app.mailer.sent().len();

    let (status, unknown) =
        app.post_anonymous("/auth/recovery", json!({"email": "nobody@clinic.test"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, known) =
        app.post_anonymous("/auth/recovery", json!({"email": "EVA@clinic.test"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unknown, known);
    assert_eq!(known, json!({"details": "Link send to email"}));
    let queued = count(&app.db, "SELECT COUNT(*) FROM email_outbox WHERE kind = 'recovery'").await;
    assert_eq!(queued, 1, "only the real account is e-mailed");
    app.wait_for_emails("eva@clinic.test", 3).await;
    assert_eq!(app.mailer.sent().len(), sent_before + 1);
    let token = app.link_token("eva@clinic.test", "/auth/recovery_password/");

    let path = format!("/auth/recovery_password/{token}");
    let (status, body) = app.post_anonymous(&path, json!({"password": "weak"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["password"].is_array());
    let (status, user) = app.post_anonymous(&path, json!({"password": "Fresh#Start1"})).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["id"], eva.id);
    let (status, _) = app.post_anonymous(&path, json!({"password": "Again#Start2"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the link works once");

    // The old password and the old sessions are gone.
    let (status, _) = app.login("eva@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.get(&eva, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.login("eva@clinic.test", "Fresh#Start1").await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn recovery_links_expire_after_ten_minutes_and_mails_are_rate_limited(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.patient("eva@clinic.test").await;
    for _ in 0..5 {
        app.post_anonymous("/auth/recovery", json!({"email": "eva@clinic.test"})).await;
    }
    let queued = count(&app.db, "SELECT COUNT(*) FROM email_outbox WHERE kind = 'recovery'").await;
    assert_eq!(queued, 3);
    // Activation and welcome at registration, then the three recovery mails.
    app.wait_for_emails("eva@clinic.test", 5).await;
    let token = app.link_token("eva@clinic.test", "/auth/recovery_password/");
    app.advance(Duration::minutes(10));
    let (status, _) = app
        .post_anonymous(
            &format!("/auth/recovery_password/{token}"),
            json!({"password": "Fresh#Start1"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn qhealth_role_describes_every_kind_of_user(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let cases = [
        (app.superuser().await, "superuser", true, true),
        (app.staff("admin@clinic.test", Role::Admin).await, "admin", true, false),
        (app.staff("doc@clinic.test", Role::Doctor).await, "doctor", false, false),
        (app.staff("op@clinic.test", Role::Operator).await, "operator", false, false),
        (app.staff("ph@clinic.test", Role::Pharmacist).await, "pharmacist", false, false),
        (app.patient("pat@clinic.test").await, "patient", false, false),
    ];
    for (session, role, is_staff, is_superuser) in cases {
        let (status, body) = app.get(&session, "/auth/qhealth_role").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["id"], session.id);
        assert_eq!(body["role"], role);
        assert_eq!(body["is_staff"], is_staff, "{role}");
        assert_eq!(body["is_superuser"], is_superuser, "{role}");
        assert_eq!(body["is_user"], true);
        assert!(body["name"].is_string());
        let staff_member = matches!(role, "doctor" | "operator" | "pharmacist");
        assert_eq!(body["role_id"].is_u64(), staff_member, "{role}: {body}");
        assert_eq!(body["specialty"].is_string(), role == "doctor", "{role}: {body}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_socket_token_lives_ten_seconds(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let (status, body) = app.get(&root, "/auth/socket").await;
    assert_eq!(status, StatusCode::OK);
    let token = body["token"].as_str().unwrap();
    let now = app.state.now();
    let claims = app.state.tokens.verify(token, qhealth::auth::TokenType::Socket, now).unwrap();
    assert_eq!(claims.user_id, root.id);
    assert!(
        app.state
            .tokens
            .verify(token, qhealth::auth::TokenType::Socket, now + Duration::seconds(10))
            .is_err()
    );
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_blocked_accounts_session_is_told_why_it_ended(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let eva = app.patient("eva@clinic.test").await;
    let (status, _) = app.patch(&root, &format!("/users/{}/block", eva.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = app.get(&eva, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let refresh = json!({"refresh": eva.refresh});
    let (status, body) = app.post_anonymous("/auth/refresh", refresh.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["detail"], "Your account has been blocked. Please contact the clinic.");

    // Unblocked, the session blocking ended stays ended, and says only that.
    let (status, _) = app.patch(&root, &format!("/users/{}/unblock", eva.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post_anonymous("/auth/refresh", refresh).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["detail"], "Your session has ended. Please sign in again.");
    // As does a session its owner signed out of.
    let (status, _) = app.post_anonymous("/auth/logout", json!({"refresh": root.refresh})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = app.post_anonymous("/auth/refresh", json!({"refresh": root.refresh})).await;
    assert_eq!(body["detail"], "Your session has ended. Please sign in again.");
}
