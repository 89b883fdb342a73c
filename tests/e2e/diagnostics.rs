//! `/api/diagnostics`, row by row: the clinic's modalities.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{Clinic, Session, TestApp, count, ids, send};

fn modalities(page: &Value) -> Vec<&str> {
    page["data"].as_array().unwrap().iter().map(|d| d["modality"].as_str().unwrap()).collect()
}

async fn post(app: &TestApp, session: &Session, body: Value) -> (StatusCode, Value) {
    send(app.as_user(session, Method::POST, "/diagnostics").json(&body)).await
}

/// Adds a modality as `session`, which must be allowed to.
async fn add(app: &TestApp, session: &Session, name: &str) -> u64 {
    let (status, body) = post(app, session, json!({"modality": name})).await;
    assert_eq!(status, StatusCode::CREATED, "{name}: {body}");
    body["id"].as_u64().unwrap()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn everyone_signed_in_reads_and_only_staff_manage(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let (root, admin) = (&c.root, &c.admin);
    let others = [&c.doctor, &c.operator, &c.pharmacist, &c.eva];
    let by_root = add(&app, root, "MRI").await;
    let by_admin = add(&app, admin, "CT").await;

    for reader in [&root, &admin].into_iter().chain(&others) {
        let (status, page) = app.get(reader, "/diagnostics").await;
        assert_eq!(status, StatusCode::OK, "{}: {page}", reader.email);
        assert_eq!(ids(&page), [by_root, by_admin]);
        let (status, one) = app.get(reader, &format!("/diagnostics/{by_admin}")).await;
        assert_eq!((status, one["modality"].as_str()), (StatusCode::OK, Some("CT")));
    }
    for outsider in &others {
        let (status, body) = post(&app, outsider, json!({"modality": "Ultrasound"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", outsider.email);
        assert_eq!(body["detail"], "You don't have access.");
        let path = format!("/diagnostics/{by_root}");
        let (status, _) = app.patch(outsider, &path, json!({"modality": "PET"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", outsider.email);
        let (status, _) = app.delete(outsider, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", outsider.email);
    }
    let (_, one) = app.get(root, &format!("/diagnostics/{by_root}")).await;
    assert_eq!(one["modality"], "MRI", "nothing was changed by the refused requests");
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostics").await, 2);

    let anonymous = [
        (Method::GET, "/diagnostics".to_owned()),
        (Method::GET, format!("/diagnostics/{by_root}")),
        (Method::POST, "/diagnostics".to_owned()),
        (Method::PATCH, format!("/diagnostics/{by_root}")),
        (Method::DELETE, format!("/diagnostics/{by_root}")),
    ];
    for (method, path) in anonymous {
        let request = app.request(method.clone(), &path).json(&json!({"modality": "PET"}));
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert!(body["detail"].is_string());
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_modality_is_added_renamed_and_deleted(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;

    let (status, created) = post(&app, &root, json!({"modality": "  MRI, knee  "})).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_u64().unwrap();
    assert_eq!(created["modality"], "MRI, knee", "stored trimmed");
    let fields: Vec<&str> = created.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(fields.len(), 4, "{created}");
    for field in ["id", "modality", "created_at", "updated_at"] {
        assert!(fields.contains(&field), "{field} in {created}");
    }
    assert_eq!(created["created_at"], "2026-11-26T11:00:00Z");

    let (status, shown) = app.get(&root, &format!("/diagnostics/{id}")).await;
    assert_eq!((status, &shown), (StatusCode::OK, &created));

    app.advance(chrono::Duration::minutes(5));
    let (status, renamed) =
        app.patch(&root, &format!("/diagnostics/{id}"), json!({"modality": " MRI, hip "})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["id"], id);
    assert_eq!(renamed["modality"], "MRI, hip");
    assert_eq!(renamed["created_at"], "2026-11-26T11:00:00Z");
    assert_eq!(renamed["updated_at"], "2026-11-26T11:05:00Z");

    let (status, body) = app.delete(&root, &format!("/diagnostics/{id}")).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        for path in
            [format!("/diagnostics/{id}"), "/diagnostics/9999".into(), "/diagnostics/abc".into()]
        {
            let request = app.as_user(&root, method.clone(), &path).json(&json!({"modality": "X"}));
            let (status, body) = send(request).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(body["detail"], "Not found.");
        }
    }
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostics").await, 0);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_modality_exists_once_whatever_its_case_spaces_or_accents(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let mri = add(&app, &root, "MRI").await;
    let xray = add(&app, &root, "Röntgen").await;

    for duplicate in ["MRI", "mri", "  Mri  ", "mri ", "RÖNTGEN", "rontgen"] {
        let (status, body) = post(&app, &root, json!({"modality": duplicate})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{duplicate:?}: {body}");
        assert!(body["detail"].as_str().unwrap().contains("already exists"), "{body}");
    }
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostics").await, 2);

    // Renaming onto another modality's name is the same conflict...
    let (status, body) =
        app.patch(&root, &format!("/diagnostics/{xray}"), json!({"modality": " mri"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("already exists"));
    let (_, unchanged) = app.get(&root, &format!("/diagnostics/{xray}")).await;
    assert_eq!(unchanged["modality"], "Röntgen");
    // ... but a modality may be respelled.
    let (status, body) =
        app.patch(&root, &format!("/diagnostics/{mri}"), json!({"modality": "mri"})).await;
    assert_eq!((status, body["modality"].as_str()), (StatusCode::OK, Some("mri")));
    let (status, body) =
        app.patch(&root, &format!("/diagnostics/{xray}"), json!({"modality": "Rontgen"})).await;
    assert_eq!((status, body["modality"].as_str()), (StatusCode::OK, Some("Rontgen")));
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_modality_with_bookings_is_kept(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let eva = app.patient("eva@clinic.test").await;
    let mri = add(&app, &root, "MRI").await;
    let request = app.as_user(&eva, Method::POST, "/booking_diagnostic");
    let (status, booking) = send(request.json(&json!({"diagnostics_id": mri}))).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");

    let (status, body) = app.delete(&root, &format!("/diagnostics/{mri}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["detail"],
        "Patients are booked for this modality. Delete their bookings before deleting it."
    );
    let (status, _) = app.get(&root, &format!("/diagnostics/{mri}")).await;
    assert_eq!(status, StatusCode::OK);

    let booking_path = format!("/booking_diagnostic/{}", booking["id"]);
    assert_eq!(app.delete(&root, &booking_path).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&root, &format!("/diagnostics/{mri}")).await.0, StatusCode::NO_CONTENT);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_list_filters_orders_and_pages(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let patient = app.patient("pat@clinic.test").await;
    let names = ["MRI, knee", "CT", "Röntgen, thorax", "Ultrasound", "MRI, brain", "50% dose"];
    let mut all = Vec::new();
    for name in names {
        all.push(add(&app, &root, name).await);
    }
    for n in 0..14 {
        all.push(add(&app, &root, &format!("Blood test {n}")).await);
    }

    let cases: &[(&str, Vec<u64>)] = &[
        ("modality=mri", vec![all[0], all[4]]),
        ("modality=RONTGEN", vec![all[2]]),
        ("modality=%25", vec![all[5]]),
        ("modality=_", vec![]),
        ("modality=ray", vec![]),
        ("modality=mri&order=-id", vec![all[4], all[0]]),
        ("modality=mri&order=id", vec![all[0], all[4]]),
        ("unknown=1&modality=ultra", vec![all[3]]),
    ];
    for (query, expected) in cases {
        let (status, page) = app.get(&patient, &format!("/diagnostics?{query}&size=25")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(&ids(&page), expected, "{query}");
        assert_eq!(page["total_items"].as_u64().unwrap() as usize, expected.len(), "{query}");
    }

    let (_, page) = app.get(&patient, "/diagnostics").await;
    assert_eq!((page["total_items"].as_u64(), page["total_pages"].as_u64()), (Some(20), Some(4)));
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(false), Some(true)));
    assert_eq!(ids(&page), all[..5]);
    let (_, page) = app.get(&patient, "/diagnostics?order=-id&size=3&page=2").await;
    let newest_first: Vec<u64> = all.iter().rev().copied().collect();
    assert_eq!(ids(&page), newest_first[3..6]);
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(true), Some(true)));
    let (_, page) = app.get(&patient, "/diagnostics?size=1000").await;
    assert_eq!((ids(&page).len(), page["total_pages"].as_u64()), (20, Some(1)));
    let (status, body) = app.get(&patient, "/diagnostics?page=5").await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::NOT_FOUND, Some("Invalid page.")));
    for (bad, parameter) in [
        ("order=modality", "order"),
        ("order=-ID", "order"),
        ("page=0", "page"),
        ("size=x", "size"),
    ] {
        let (status, body) = app.get(&patient, &format!("/diagnostics?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["errors"][parameter].is_array(), "{bad}: {body}");
    }

    // Totals and filters follow additions, renames and deletions at once.
    let (_, before) = app.get(&patient, "/diagnostics?modality=mri").await;
    assert_eq!(before["total_items"], 2);
    let pelvis = add(&app, &root, "MRI, pelvis").await;
    app.patch(&root, &format!("/diagnostics/{}", all[1]), json!({"modality": "CT and MRI"})).await;
    app.delete(&root, &format!("/diagnostics/{}", all[0])).await;
    let (_, after) = app.get(&patient, "/diagnostics?modality=mri").await;
    assert_eq!(ids(&after), [all[1], all[4], pelvis]);
    assert_eq!(after["total_items"], 3);
    assert_eq!(modalities(&after), ["CT and MRI", "MRI, brain", "MRI, pelvis"]);
    let (_, everything) = app.get(&patient, "/diagnostics").await;
    assert_eq!(everything["total_items"], 20);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn bad_modalities_are_named(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let mri = add(&app, &root, "MRI").await;
    let longest = "é".repeat(100);
    let (status, body) = post(&app, &root, json!({"modality": longest})).await;
    assert_eq!((status, body["modality"].as_str()), (StatusCode::CREATED, Some(longest.as_str())));

    let bad = [
        json!({}),
        json!({"modality": null}),
        json!({"modality": ""}),
        json!({"modality": "   "}),
        json!({"modality": "x".repeat(101)}),
        json!({"modality": "Å".repeat(10_000)}),
        json!({"modality": 5}),
        json!({"modality": ["MRI"]}),
        json!({"modality": {"name": "MRI"}}),
        json!({"modality": true}),
    ];
    let path = format!("/diagnostics/{mri}");
    for body in &bad {
        for request in [
            app.as_user(&root, Method::POST, "/diagnostics"),
            app.as_user(&root, Method::PATCH, &path),
        ] {
            let (status, answer) = send(request.json(body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
            assert_eq!(answer["detail"], "Invalid data.");
            assert!(answer["errors"]["modality"][0].is_string(), "{body}: {answer}");
        }
    }
    for body in [json!([{"modality": "CT"}]), json!("CT"), json!(null), json!(7)] {
        let (status, answer) = post(&app, &root, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer["detail"], "Invalid request format.");
    }
    let malformed = app
        .as_user(&root, Method::POST, "/diagnostics")
        .header("content-type", "application/json")
        .body("{\"modality\": \"CT\"");
    let (status, answer) = send(malformed).await;
    assert_eq!(
        (status, answer["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Invalid request format."))
    );
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostics").await, 2);
    let (_, unchanged) = app.get(&root, &path).await;
    assert_eq!(unchanged["modality"], "MRI");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn simultaneous_duplicates_make_one_modality(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let (a, b, c) = tokio::join!(
        post(&app, &root, json!({"modality": "Echo"})),
        post(&app, &root, json!({"modality": " echo"})),
        post(&app, &root, json!({"modality": "ECHO "})),
    );
    let mut statuses = [a.0.as_u16(), b.0.as_u16(), c.0.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409], "{a:?} {b:?} {c:?}");
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostics").await, 1);
}

/// The modality list re-reads the caller's account inside its page statement: a blocked
/// account or an ended session is refused there too, with rows to show or without.
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_list_refuses_ended_sessions_and_blocked_accounts(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let eva = app.patient("eva@clinic.test").await;
    let bo = app.patient("bo@clinic.test").await;
    let mri = add(&app, &root, "MRI").await;
    assert_eq!(app.get(&eva, "/diagnostics").await.0, StatusCode::OK);

    let (status, _) = app.post_anonymous("/auth/logout", json!({"refresh": bo.refresh})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get(&bo, "/diagnostics").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a signed-out session: {body}");

    app.patch(&root, &format!("/users/{}/block", eva.id), json!({})).await;
    for path in ["/diagnostics", "/diagnostics?modality=nothing-matches", "/diagnostics?page=9"] {
        let (status, body) = app.get(&eva, path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} for a blocked account: {body}");
        assert!(body["detail"].is_string());
    }
    assert_eq!(app.delete(&root, &format!("/diagnostics/{mri}")).await.0, StatusCode::NO_CONTENT);
    let (status, _) = app.get(&eva, "/diagnostics").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "an empty list for a blocked account");
    let (status, page) = app.get(&root, "/diagnostics").await;
    assert_eq!((status, page["total_items"].as_u64()), (StatusCode::OK, Some(0)));
}
