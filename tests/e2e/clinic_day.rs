//! The clinic's day, told end to end: staff are hired, a patient asks for an MRI, gets a time and
//! a doctor's visit, is examined and prescribed for, sees exactly their own records and cancels
//! the visit; the doctor is taken off booking. Then the rules that keep accounts with history.

use chrono::Duration;
use qhealth::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{PASSWORD, Session, TestApp, ids, profile, send};

/// Staff hire a member: the role is created, the e-mailed link activates the account with a
/// password of their choosing, and they sign in.
async fn hire(app: &TestApp, admin: &Session, who: (&str, &str, &str), specialty: Value) -> Value {
    let (email, name, role) = who;
    let user = json!({"email": email, "profile": profile(name, "Berg")});
    let mut body = json!({"role": role, "user": user});
    if !specialty.is_null() {
        body["specialty"] = specialty;
    }
    let (status, member) = send(app.as_user(admin, Method::POST, "/roles").json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{member}");
    app.wait_for_emails(email, 1).await;
    let token = app.link_token(email, "/auth/activate/");
    let activation = app
        .request(Method::PATCH, &format!("/auth/activate/{token}"))
        .json(&json!({"password": PASSWORD}));
    let (status, body) = send(activation).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    member
}

async fn post(app: &TestApp, session: &Session, path: &str, body: Value) -> (StatusCode, Value) {
    send(app.as_user(session, Method::POST, path).json(&body)).await
}

fn subjects(app: &TestApp, address: &str) -> Vec<String> {
    app.emails_to(address).into_iter().map(|email| email.subject).collect()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_day_at_the_clinic(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;

    // Morning: the clinic hires an operator, a cardiologist and a pharmacist, and offers MRI.
    hire(&app, &root, ("olle@clinic.test", "Olle", "operator"), Value::Null).await;
    let karin = ("karin@clinic.test", "Karin", "doctor");
    let doctor_role = hire(&app, &root, karin, json!("Cardiology")).await;
    hire(&app, &root, ("petra@clinic.test", "Petra", "pharmacist"), Value::Null).await;
    let operator = app.session("olle@clinic.test", PASSWORD).await;
    let doctor = app.session("karin@clinic.test", PASSWORD).await;
    let pharmacist = app.session("petra@clinic.test", PASSWORD).await;
    let (status, mri) = post(&app, &root, "/diagnostics", json!({"modality": "MRI"})).await;
    assert_eq!(status, StatusCode::CREATED, "{mri}");

    // A patient registers and asks for an MRI, without a time: the clinic will choose one.
    let eva = app.patient("eva@example.com").await;
    let other = app.patient("bo@example.com").await;
    let request = json!({"diagnostics_id": mri["id"], "user_id": other.id});
    let (status, booking) = post(&app, &eva, "/booking_diagnostic", request).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    assert_eq!(
        booking["user"]["id"], eva.id,
        "a patient books for themself, whatever user_id says"
    );
    assert_eq!(booking["date_time"], Value::Null);
    app.wait_for_emails("eva@example.com", 3).await; // activation, welcome, request received

    // The operator finds the request and gives it a time, in the clinic's time zone.
    let (status, waiting) = app.get(&operator, "/booking_diagnostic?patient_surname=lind").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids(&waiting).contains(&booking["id"].as_u64().unwrap()));
    let path = format!("/booking_diagnostic/{}", booking["id"]);
    let (status, scheduled) =
        app.patch(&operator, &path, json!({"date_time": "2026-12-01T09:00"})).await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["date_time"], "2026-12-01T08:00:00Z");

    // ... and books a visit with the cardiologist in three days.
    let visit = json!({"user_id": eva.id, "doctor_id": doctor.id, "date_time": "2026-11-29T14:00"});
    let (status, visit) = post(&app, &operator, "/booking_doctor", visit).await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    assert_eq!(visit["doctor"]["specialty"], "Cardiology");
    assert_eq!(visit["status"], "booked");

    // The doctor writes in Eva's journal; the pharmacist writes her a prescription.
    let entry = json!({"diagnosis": "Hypertension", "description": "BP 150/95.",
                       "planning": "Follow up in 4 weeks.", "user_id": eva.id});
    let (status, entry) = post(&app, &doctor, "/patient_card", entry).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let recipe =
        json!({"recipe": "Enalapril 10 mg", "description": "Once daily.", "user_id": eva.id});
    let (status, recipe) = post(&app, &pharmacist, "/patient_recipe", recipe).await;
    assert_eq!(status, StatusCode::CREATED, "{recipe}");
    // Another patient's records, which Eva must never see.
    let theirs = json!({"diagnosis": "Asthma", "description": "-", "planning": "-",
                        "user_id": other.id});
    assert_eq!(post(&app, &doctor, "/patient_card", theirs).await.0, StatusCode::CREATED);

    // Eva sees exactly her own records.
    for (list, own) in [
        ("/booking_diagnostic", &booking),
        ("/booking_doctor", &visit),
        ("/patient_card", &entry),
        ("/patient_recipe", &recipe),
    ] {
        let (status, page) = app.get(&eva, list).await;
        assert_eq!(status, StatusCode::OK, "{list}: {page}");
        assert_eq!(ids(&page), vec![own["id"].as_u64().unwrap()], "{list}");
        let (status, _) = app.get(&other, &format!("{list}/{}", own["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{list}: another patient's record");
    }

    // Three days ahead, Eva cancels the visit herself.
    let path = format!("/booking_doctor/cancelled/{}", visit["id"]);
    let (status, cancelled) = app.patch(&eva, &path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["is_active"].as_bool()),
        (Some("cancelled"), Some(false))
    );

    // An admin takes the doctor off booking: no new visits with her.
    app.patch(&root, &format!("/users/{}/create_admin", operator.id), json!({})).await;
    let admin = app.session("olle@clinic.test", PASSWORD).await;
    let path = format!("/roles/block_staff_doctor/{}", doctor_role["id"]);
    let (status, body) = app.patch(&admin, &path, json!({})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"is_available_for_booking": false})));
    let visit = json!({"user_id": eva.id, "doctor_id": doctor.id, "date_time": "2026-12-03T10:00"});
    let (status, body) = post(&app, &admin, "/booking_doctor", visit).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["errors"]["doctor_id"].is_array(), "{body}");

    // Every e-mail of the day arrived, once, to the right person.
    app.wait_for_emails("eva@example.com", 8).await;
    app.wait_for_emails("karin@clinic.test", 2).await;
    assert_eq!(
        subjects(&app, "eva@example.com"),
        [
            "Activate your QHealth account",
            "Welcome to QHealth",
            "We have received your diagnostic request",
            "Your diagnostic appointment",
            "Your doctor's appointment is booked",
            "A new entry in your medical journal",
            "A new prescription for you",
            "Your doctor's appointment is cancelled",
        ]
    );
    assert_eq!(
        subjects(&app, "karin@clinic.test"),
        ["Your QHealth staff account", "You are no longer available for booking"]
    );
    assert_eq!(subjects(&app, "olle@clinic.test").len(), 2, "staff welcome and admin rights");
    assert_eq!(subjects(&app, "petra@clinic.test"), ["Your QHealth staff account"]);
    let mails = app.emails_to("eva@example.com");
    assert!(mails[3].text.contains("Tuesday 1 December 2026, 09:00 CET"), "{}", mails[3].text);
    assert!(mails[4].text.contains("Sunday 29 November 2026, 14:00 CET"), "{}", mails[4].text);
    assert!(mails[4].text.contains("Karin Berg") && mails[4].text.contains("24 hours"));
    for medical in ["Hypertension", "150/95", "Enalapril"] {
        assert!(mails.iter().all(|m| !m.text.contains(medical) && !m.html.contains(medical)));
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn accounts_with_bookings_visits_or_records_are_kept(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = app.staff("doc@clinic.test", qhealth::access::Role::Doctor).await;
    let eva = app.patient("eva@example.com").await;
    let (_, mri) = post(&app, &root, "/diagnostics", json!({"modality": "MRI"})).await;
    let delete_eva = format!("/users/{}", eva.id);
    let delete_doctor = format!("/users/{}", doctor.id);
    let refused = |(status, body): (StatusCode, Value), words: &str| {
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains(words), "{detail}");
    };

    let (_, booking) =
        post(&app, &eva, "/booking_diagnostic", json!({"diagnostics_id": mri["id"]})).await;
    refused(app.delete(&root, &delete_eva).await, "diagnostic bookings");
    app.delete(&root, &format!("/booking_diagnostic/{}", booking["id"])).await;

    let when = (app.clock.now() + Duration::days(2)).to_rfc3339();
    let visit = json!({"user_id": eva.id, "doctor_id": doctor.id, "date_time": when});
    let (status, visit) = post(&app, &root, "/booking_doctor", visit).await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    refused(app.delete(&root, &delete_eva).await, "booked doctor visits");
    refused(app.delete(&root, &delete_doctor).await, "booked visits");
    // Nothing was half-deleted.
    assert_eq!(app.get(&root, &delete_eva).await.0, StatusCode::OK);
    assert_eq!(app.get(&root, &format!("/booking_doctor/{}", visit["id"])).await.0, StatusCode::OK);

    // Once the visit is cancelled, both accounts may go (the cancelled visit goes with them).
    app.patch(&root, &format!("/booking_doctor/cancelled/{}", visit["id"]), json!({})).await;
    assert_eq!(app.delete(&root, &delete_doctor).await.0, StatusCode::NO_CONTENT);

    // A journal entry is kept for good: the patient can be blocked, not deleted.
    let entry = json!({"diagnosis": "Flu", "description": "-", "planning": "-", "user_id": eva.id});
    assert_eq!(post(&app, &root, "/patient_card", entry).await.0, StatusCode::CREATED);
    refused(app.delete(&eva, &delete_eva).await, "Block the account instead");
}
