//! `/api/security`: the login history, as staff review and prune it.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{Clinic, PASSWORD, TestApp, count, ids, send};

/// A login attempt written straight to the database, made (and recorded) at `at`; its id.
async fn insert_attempt(db: &MySqlPool, email: &str, at: &str, success: bool) -> u64 {
    let id = sqlx::query(
        "INSERT INTO login_attempts (email, ip_address, attempted_at, success, created_at, updated_at) \
         VALUES (?, '10.0.0.7', ?, ?, ?, ?)",
    )
    .bind(email)
    .bind(at)
    .bind(success)
    .bind(at)
    .bind(at)
    .execute(db)
    .await
    .unwrap()
    .last_insert_id();
    sqlx::query("UPDATE collection_versions SET version = version + 1 WHERE name = 'security'")
        .execute(db)
        .await
        .unwrap();
    id
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn only_staff_may_read_and_prune_the_login_history(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let (root, admin) = (&c.root, &c.admin);
    let others = [&c.doctor, &c.operator, &c.pharmacist, &c.eva];
    let first = insert_attempt(&app.db, "a@clinic.test", "2026-11-20 10:00:00", true).await;
    let second = insert_attempt(&app.db, "b@clinic.test", "2026-11-20 11:00:00", false).await;

    for who in &others {
        let (status, body) = app.get(who, "/security").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{} lists: {body}", who.email);
        assert_eq!(body["detail"], "You don't have access.");
        let (status, _) = app.delete(who, &format!("/security/{first}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{} deletes", who.email);
    }
    for (method, path) in
        [(Method::GET, "/security".to_owned()), (Method::DELETE, format!("/security/{first}"))]
    {
        let (status, body) = send(app.request(method.clone(), &path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert!(body["detail"].is_string());
    }
    let inserted =
        "SELECT COUNT(*) FROM login_attempts WHERE email IN ('a@clinic.test', 'b@clinic.test')";
    assert_eq!(count(&app.db, inserted).await, 2, "refusals deleted nothing");

    for (who, id) in [(&root, first), (&admin, second)] {
        let (status, body) = app.get(who, "/security").await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", who.email);
        let (status, body) = app.delete(who, &format!("/security/{id}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{}: {body}", who.email);
        assert_eq!(body, Value::Null, "no body");
    }
    let (status, _) = send(app.as_user(root, Method::PATCH, "/security").json(&json!({}))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_login_is_listed_as_it_was_typed_with_its_time_and_outcome(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    app.advance(Duration::minutes(1));
    let (status, _) = app.login("Root@Clinic.test", "Wrong#Password1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, page) = app.get(&root, "/security").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total_items"], 2);
    let success = &page["data"][0];
    let mut keys: Vec<&str> = success.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let expected =
        ["created_at", "email", "id", "ip_address", "success", "timestamp", "updated_at"];
    assert_eq!(keys, expected, "{success}");
    assert_eq!(success["email"], "root@clinic.test");
    assert_eq!(success["ip_address"], "127.0.0.1");
    assert_eq!(success["success"], true);
    assert_eq!(success["timestamp"], "2026-11-26T11:00:00Z");
    assert_eq!(success["created_at"], "2026-11-26T11:00:00Z");
    let failure = &page["data"][1];
    assert_eq!(failure["email"], "Root@Clinic.test", "as typed");
    assert_eq!(failure["success"], false);
    assert_eq!(failure["timestamp"], "2026-11-26T11:01:00Z");

    // A new attempt is counted at once.
    app.session("root@clinic.test", PASSWORD).await;
    let (_, page) = app.get(&root, "/security").await;
    assert_eq!(page["total_items"], 3);
    let (_, page) = app.get(&root, "/security?success=false").await;
    assert_eq!(page["total_items"], 1);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_success_filter_and_every_order_have_their_effect(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    // Attempt 1: the superuser's own login, 2026-11-26 11:00, a success.
    let root = app.superuser().await;
    let a = insert_attempt(&app.db, "a@clinic.test", "2026-11-20 10:00:00", false).await;
    let b = insert_attempt(&app.db, "b@clinic.test", "2026-11-27 09:00:00", true).await;
    let c = insert_attempt(&app.db, "c@clinic.test", "2026-11-01 08:00:00", false).await;
    let d = insert_attempt(&app.db, "d@clinic.test", "2026-11-20 10:00:00", true).await;
    let own = 1;
    let cases = [
        ("", vec![own, a, b, c, d]),
        ("order=id", vec![own, a, b, c, d]),
        ("order=-id", vec![d, c, b, a, own]),
        ("order=success", vec![a, c, own, b, d]),
        ("order=-success", vec![d, b, own, c, a]),
        ("order=created_at", vec![c, a, d, own, b]),
        ("order=-created_at", vec![b, own, d, a, c]),
        ("success=true", vec![own, b, d]),
        ("success=True", vec![own, b, d]),
        ("success=1", vec![own, b, d]),
        ("success=false", vec![a, c]),
        ("success=0", vec![a, c]),
        ("success=false&order=-created_at", vec![a, c]),
        ("success=true&order=created_at", vec![d, own, b]),
        ("success=true&order=-id", vec![d, b, own]),
        ("unknown_parameter=1", vec![own, a, b, c, d]),
    ];
    for (query, expected) in cases {
        let (status, page) = app.get(&root, &format!("/security?{query}&size=25")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(ids(&page), expected, "{query}");
        assert_eq!(page["total_items"].as_u64().unwrap() as usize, expected.len(), "{query}");
    }
    for (query, parameter) in [
        ("success=maybe", "success"),
        ("success=yes", "success"),
        ("order=timestamp", "order"),
        ("order=email", "order"),
        ("order=ID", "order"),
        ("order=-updated_at", "order"),
    ] {
        let (status, body) = app.get(&root, &format!("/security?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["detail"], "Invalid data.");
        assert!(body["errors"][parameter].is_array(), "{query}: {body}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_history_is_paged_and_deleted_attempts_leave_it(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    for n in 0..11 {
        let at = format!("2026-11-{:02} 10:00:00", n + 1);
        insert_attempt(&app.db, &format!("p{n}@clinic.test"), &at, n % 3 == 0).await;
    }
    let (status, page) = app.get(&root, "/security").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((page["total_items"].as_u64(), page["total_pages"].as_u64()), (Some(12), Some(3)));
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(false), Some(true)));
    assert_eq!(ids(&page), [1, 2, 3, 4, 5]);
    let (_, page) = app.get(&root, "/security?page=3").await;
    assert_eq!(ids(&page), [11, 12]);
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(true), Some(false)));
    let (_, page) = app.get(&root, "/security?page=2&order=-id").await;
    assert_eq!(ids(&page), [7, 6, 5, 4, 3]);
    let (_, page) = app.get(&root, "/security?size=1000").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 12, "clamped to 25");
    let (status, body) = app.get(&root, "/security?page=4").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"], "Invalid page.");
    let (status, body) = app.get(&root, "/security?success=true&size=5&page=2").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "five successes fill one page: {body}");
    for bad in ["page=0", "page=x", "size=0", "size=ten"] {
        let (status, body) = app.get(&root, &format!("/security?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["errors"][bad.split('=').next().unwrap()].is_array(), "{bad}: {body}");
    }

    let (status, _) = app.delete(&root, "/security/3").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, page) = app.get(&root, "/security?page=3").await;
    assert_eq!(page["total_items"], 11, "the total follows at once");
    assert_eq!(ids(&page), [12]);
    let (_, page) = app.get(&root, "/security?size=25").await;
    assert!(!ids(&page).contains(&3));
    for missing in ["3", "9999", "abc", "0", "-1"] {
        let (status, body) = app.delete(&root, &format!("/security/{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(body["detail"], "Not found.");
    }
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM login_attempts").await, 11);
}
