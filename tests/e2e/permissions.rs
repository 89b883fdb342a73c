//! API.md's permission tables, checked over HTTP for every clinic endpoint and every role: what
//! each may read (200), what is refused (403: the role may not do this to any such object, so
//! the answer is the same for every id) and what is hidden (404: a patient asking for someone
//! else's object, whose existence must not leak); and that a refused change changes nothing.

use chrono::Duration;
use qhealth::access::Role;
use qhealth::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{Session, TestApp, count, role_id_of, send};

/// Who asks, in the column order of the tables below.
struct Cast {
    superuser: Session,
    admin: Session,
    doctor: Session,
    operator: Session,
    pharmacist: Session,
    /// The patient every object below belongs to.
    patient: Session,
    /// Another patient.
    stranger: Session,
}

impl Cast {
    fn columns(&self) -> [(&'static str, &Session); 7] {
        [
            ("superuser", &self.superuser),
            ("admin", &self.admin),
            ("doctor", &self.doctor),
            ("operator", &self.operator),
            ("pharmacist", &self.pharmacist),
            ("patient", &self.patient),
            ("other patient", &self.stranger),
        ]
    }
}

/// One object of each kind, all about `cast.patient`; the values are their paths' ids.
struct Objects {
    diagnostic: Value,
    booking: Value,
    visit: Value,
    journal: Value,
    prescription: Value,
    doctor_role: u64,
    login: u64,
}

async fn created(app: &TestApp, who: &Session, path: &str, body: Value) -> Value {
    let (status, body) = send(app.as_user(who, Method::POST, path).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "POST {path}: {body}");
    body["id"].clone()
}

async fn set_up(app: &TestApp) -> (Cast, Objects) {
    let cast = Cast {
        superuser: app.superuser().await,
        admin: app.staff("admin@clinic.test", Role::Admin).await,
        doctor: app.staff("doctor@clinic.test", Role::Doctor).await,
        operator: app.staff("operator@clinic.test", Role::Operator).await,
        pharmacist: app.staff("pharmacist@clinic.test", Role::Pharmacist).await,
        patient: app.patient("eva@example.com").await,
        stranger: app.patient("bo@example.com").await,
    };
    let root = &cast.superuser;
    let patient = cast.patient.id;
    let diagnostic = created(app, root, "/diagnostics", json!({"modality": "MRI"})).await;
    let booking = json!({"diagnostics_id": diagnostic});
    let booking = created(app, &cast.patient, "/booking_diagnostic", booking).await;
    let when = (app.clock.now() + Duration::days(3)).to_rfc3339();
    let visit = json!({"user_id": patient, "doctor_id": cast.doctor.id, "date_time": when});
    let visit = created(app, &cast.operator, "/booking_doctor", visit).await;
    let journal =
        json!({"diagnosis": "Flu", "description": "Rest.", "planning": "-", "user_id": patient});
    let journal = created(app, &cast.doctor, "/patient_card", journal).await;
    let prescription = json!({"recipe": "Paracetamol", "description": "3×1", "user_id": patient});
    let prescription = created(app, &cast.pharmacist, "/patient_recipe", prescription).await;
    let doctor_role = role_id_of(&app.db, cast.doctor.id).await;
    let login =
        sqlx::query_scalar("SELECT MAX(id) FROM login_attempts").fetch_one(&app.db).await.unwrap();
    let objects = Objects { diagnostic, booking, visit, journal, prescription, doctor_role, login };
    (cast, objects)
}

/// Expected answers, one letter per column of [`Cast::columns`]: `2` 200, `3` 403, `4` 404.
fn expected(code: char) -> StatusCode {
    match code {
        '2' => StatusCode::OK,
        '3' => StatusCode::FORBIDDEN,
        '4' => StatusCode::NOT_FOUND,
        other => panic!("unknown code {other}"),
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_role_reads_what_api_md_allows(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (cast, o) = set_up(&app).await;
    #[rustfmt::skip]
    let table = [
        //                                                         SU AD DOC OPR PHA PAT OTHER
        ("/roles".to_owned(),                                      "2232333"),
        (format!("/roles/{}", o.doctor_role),                      "2222444"),
        ("/roles/doctor_list".to_owned(),                          "2222222"),
        (format!("/roles/doctor_list/{}", o.doctor_role),          "2222222"),
        ("/diagnostics".to_owned(),                                "2222222"),
        (format!("/diagnostics/{}", o.diagnostic),                 "2222222"),
        ("/booking_diagnostic".to_owned(),                         "2222322"),
        (format!("/booking_diagnostic/{}", o.booking),             "2222324"),
        ("/booking_doctor".to_owned(),                             "2222322"),
        (format!("/booking_doctor/{}", o.visit),                   "2222324"),
        ("/patient_card".to_owned(),                               "2222322"),
        (format!("/patient_card/{}", o.journal),                   "2222324"),
        ("/patient_recipe".to_owned(),                             "2222222"),
        (format!("/patient_recipe/{}", o.prescription),            "2222224"),
        ("/security".to_owned(),                                   "2233333"),
    ];
    for (path, codes) in &table {
        for ((who, session), code) in cast.columns().into_iter().zip(codes.chars()) {
            let (status, body) = app.get(session, path).await;
            assert_eq!(status, expected(code), "GET {path} as {who}: {body}");
            if status != StatusCode::OK {
                assert!(body["detail"].is_string(), "GET {path} as {who}: {body}");
            }
        }
        let (status, _) = send(app.request(Method::GET, path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "GET {path} without a token");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn refused_changes_change_nothing(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (cast, o) = set_up(&app).await;
    let (patient, doctor) = (cast.patient.id, cast.doctor.id);
    let later = (app.clock.now() + Duration::days(5)).to_rfc3339();
    let role = json!({"role": "operator", "user": {"email": "new@clinic.test",
                      "profile": crate::harness::profile("Nils", "Holm")}});
    // Valid requests, so that only the caller's role can explain a refusal. `-` = not checked
    // here (allowed; each domain's own tests cover what an allowed change does).
    #[rustfmt::skip]
    let table: Vec<(Method, String, Value, &str)> = vec![
        //                                                                    SU AD DOC OPR PHA PAT OTHER
        (Method::POST, "/diagnostics".into(), json!({"modality": "CT"}),        "--33333"),
        (Method::PATCH, format!("/diagnostics/{}", o.diagnostic), json!({"modality": "X"}), "--33333"),
        (Method::DELETE, format!("/diagnostics/{}", o.diagnostic), json!({}),   "--33333"),
        (Method::POST, "/roles".into(), role,                                   "--33333"),
        (Method::PATCH, format!("/roles/block_staff_doctor/{}", o.doctor_role), json!({}), "--33333"),
        (Method::PATCH, format!("/roles/unblock_staff_doctor/{}", o.doctor_role), json!({}), "--33333"),
        (Method::POST, "/booking_diagnostic".into(),
            json!({"user_id": patient, "diagnostics_id": o.diagnostic, "date_time": later}), "--3-3--"),
        (Method::PATCH, format!("/booking_diagnostic/{}", o.booking), json!({"date_time": later}), "--3-333"),
        (Method::DELETE, format!("/booking_diagnostic/{}", o.booking), json!({}), "--3-333"),
        (Method::POST, "/booking_doctor".into(),
            json!({"user_id": patient, "doctor_id": doctor, "date_time": later}), "--3-333"),
        (Method::PATCH, format!("/booking_doctor/cancelled/{}", o.visit), json!({}), "--3-3-4"),
        (Method::DELETE, format!("/booking_doctor/{}", o.visit), json!({}),     "--3-333"),
        (Method::POST, "/patient_card".into(),
            json!({"diagnosis": "X", "description": "X", "planning": "X", "user_id": patient}), "---3333"),
        (Method::DELETE, format!("/patient_card/{}", o.journal), json!({}),     "--33333"),
        (Method::POST, "/patient_recipe".into(),
            json!({"recipe": "X", "description": "X", "user_id": patient}),     "--33-33"),
        (Method::DELETE, format!("/patient_recipe/{}", o.prescription), json!({}), "--33333"),
        (Method::DELETE, format!("/security/{}", o.login), json!({}),           "--33333"),
    ];
    let tables = [
        "diagnostics",
        "roles",
        "diagnostic_bookings",
        "doctor_visits",
        "patient_cards",
        "patient_recipes",
        "login_attempts",
    ];
    let before = snapshot(&app, &tables).await;
    for (method, path, body, codes) in &table {
        for ((who, session), code) in cast.columns().into_iter().zip(codes.chars()) {
            if code == '-' {
                continue;
            }
            let request = app.as_user(session, method.clone(), path).json(body);
            let (status, answer) = send(request).await;
            assert_eq!(status, expected(code), "{method} {path} as {who}: {answer}");
            assert!(answer["detail"].is_string(), "{method} {path} as {who}: {answer}");
        }
    }
    assert_eq!(snapshot(&app, &tables).await, before, "refused changes changed nothing");
    let (_, visit) = app.get(&cast.superuser, &format!("/booking_doctor/{}", o.visit)).await;
    assert_eq!(visit["status"], "booked");
    let (_, role) = app.get(&cast.superuser, &format!("/roles/{}", o.doctor_role)).await;
    assert_eq!(role["is_available_for_booking"], true);
    let (_, booking) =
        app.get(&cast.superuser, &format!("/booking_diagnostic/{}", o.booking)).await;
    assert_eq!(booking["date_time"], Value::Null);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostics WHERE modality = 'MRI'").await, 1);
}

/// Row counts of `tables` (names from this file, never from input), in order.
async fn snapshot(app: &TestApp, tables: &[&'static str]) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in tables {
        let total: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&app.db)
                .await
                .unwrap();
        counts.push((*table, total));
    }
    counts
}
