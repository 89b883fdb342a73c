//! `/api/booking_diagnostic`, row by row: patients ask for examinations, the clinic books them
//! and sets their times, and the patient is e-mailed each time.

use qhealth::mail::Email;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{Clinic, Session, TestApp, count, ids, send};

const BY_STAFF: &str = "Your diagnostic appointment";
const BY_PATIENT: &str = "We have received your diagnostic request";
/// 09:00 in Stockholm on a winter day.
const NINE_LOCAL: &str = "2026-12-01T09:00";
const NINE_LOCAL_UTC: &str = "2026-12-01T08:00:00Z";

async fn add_modality(app: &TestApp, staff: &Session, name: &str) -> u64 {
    let request = app.as_user(staff, Method::POST, "/diagnostics");
    let (status, body) = send(request.json(&json!({"modality": name}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_u64().unwrap()
}

async fn book(app: &TestApp, session: &Session, body: Value) -> (StatusCode, Value) {
    send(app.as_user(session, Method::POST, "/booking_diagnostic").json(&body)).await
}

/// Books `patient` for `modality` at 09:00 clinic time on 1 December, as `staff`.
async fn book_for(app: &TestApp, staff: &Session, patient: u64, modality: u64) -> u64 {
    let body = json!({"user_id": patient, "diagnostics_id": modality, "date_time": NINE_LOCAL});
    let (status, booking) = book(app, staff, body).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    booking["id"].as_u64().unwrap()
}

/// The booking e-mails `address` received with `subject`, once every e-mail expected in all
/// (`total`, registration's included) has arrived and a little longer, so a duplicate shows.
async fn booking_emails(app: &TestApp, address: &str, total: usize, subject: &str) -> Vec<Email> {
    app.wait_for_emails(address, total).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let all = app.emails_to(address);
    assert_eq!(all.len(), total, "{address} received: {all:?}");
    all.into_iter().filter(|email| email.subject == subject).collect()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn who_may_book_see_schedule_and_delete(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mut modalities = Vec::new();
    for name in ["MRI", "CT", "X-ray", "Ultrasound", "PET"] {
        modalities.push(add_modality(&app, &c.root, name).await);
    }
    // Staff and operators book for patients; a patient books for themself.
    let mut of_nils = Vec::new();
    for (booker, modality) in
        [(&c.root, modalities[0]), (&c.admin, modalities[1]), (&c.operator, modalities[2])]
    {
        of_nils.push(book_for(&app, booker, c.nils.id, modality).await);
    }
    let (status, own) = book(&app, &c.eva, json!({"diagnostics_id": modalities[0]})).await;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    let evas = own["id"].as_u64().unwrap();
    for refused in [&c.doctor, &c.pharmacist] {
        let body =
            json!({"user_id": c.eva.id, "diagnostics_id": modalities[3], "date_time": NINE_LOCAL});
        let (status, answer) = book(&app, refused, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", refused.email);
        assert_eq!(answer["detail"], "You don't have access.");
    }

    // Reading: the clinic sees all, a patient their own, a pharmacist nothing.
    let everything = [of_nils.clone(), vec![evas]].concat();
    for reader in [&c.root, &c.admin, &c.doctor, &c.operator] {
        let (status, page) = app.get(reader, "/booking_diagnostic").await;
        assert_eq!(status, StatusCode::OK, "{}: {page}", reader.email);
        assert_eq!(ids(&page), everything, "{}", reader.email);
        let (status, one) = app.get(reader, &format!("/booking_diagnostic/{evas}")).await;
        assert_eq!((status, one["id"].as_u64()), (StatusCode::OK, Some(evas)), "{}", reader.email);
    }
    let (_, page) = app.get(&c.eva, "/booking_diagnostic").await;
    assert_eq!((ids(&page), page["total_items"].as_u64()), (vec![evas], Some(1)));
    let (_, page) = app.get(&c.nils, "/booking_diagnostic?size=25").await;
    assert_eq!(ids(&page), of_nils);
    let (status, _) = app.get(&c.eva, &format!("/booking_diagnostic/{evas}")).await;
    assert_eq!(status, StatusCode::OK);
    for (path, status) in [
        (format!("/booking_diagnostic/{}", of_nils[0]), StatusCode::NOT_FOUND),
        ("/booking_diagnostic/9999".to_owned(), StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&c.eva, &path).await.0, status, "{path}");
    }
    let (status, body) = app.get(&c.pharmacist, "/booking_diagnostic").await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (StatusCode::FORBIDDEN, Some("You don't have access."))
    );
    for id in [evas, 9999] {
        let (status, _) = app.get(&c.pharmacist, &format!("/booking_diagnostic/{id}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the same answer whether {id} exists or not");
    }

    // Scheduling and deleting: staff and operators only.
    let schedule = json!({"date_time": "2026-12-02T10:00"});
    let evas_path = format!("/booking_diagnostic/{evas}");
    for (who, status) in [
        (&c.doctor, StatusCode::FORBIDDEN),
        (&c.pharmacist, StatusCode::FORBIDDEN),
        (&c.eva, StatusCode::FORBIDDEN),
        // No patient may schedule or delete any booking: the same answer for every id.
        (&c.nils, StatusCode::FORBIDDEN),
    ] {
        for path in [&evas_path, "/booking_diagnostic/9999"] {
            let (got, body) = app.patch(who, path, schedule.clone()).await;
            assert_eq!(got, status, "PATCH {path} by {}: {body}", who.email);
            let (got, body) = app.delete(who, path).await;
            assert_eq!(got, status, "DELETE {path} by {}: {body}", who.email);
        }
    }
    let (_, unchanged) = app.get(&c.root, &evas_path).await;
    assert_eq!(unchanged["date_time"], Value::Null);
    for scheduler in [&c.root, &c.admin, &c.operator] {
        let (status, body) = app.patch(scheduler, &evas_path, schedule.clone()).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", scheduler.email);
        assert_eq!(body["date_time"], "2026-12-02T09:00:00Z");
    }
    for (deleter, id) in [(&c.root, of_nils[0]), (&c.admin, of_nils[1]), (&c.operator, evas)] {
        let (status, body) = app.delete(deleter, &format!("/booking_diagnostic/{id}")).await;
        assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null), "{}", deleter.email);
        let (status, _) = app.get(&c.root, &format!("/booking_diagnostic/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert_eq!(app.delete(&c.root, "/booking_diagnostic/9999").await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.patch(&c.root, "/booking_diagnostic/9999", schedule.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostic_bookings").await, 1);

    let anonymous = [
        (Method::GET, "/booking_diagnostic".to_owned()),
        (Method::POST, "/booking_diagnostic".to_owned()),
        (Method::GET, format!("/booking_diagnostic/{}", of_nils[2])),
        (Method::PATCH, format!("/booking_diagnostic/{}", of_nils[2])),
        (Method::DELETE, format!("/booking_diagnostic/{}", of_nils[2])),
    ];
    for (method, path) in anonymous {
        let (status, body) = send(app.request(method.clone(), &path).json(&schedule)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert!(body["detail"].is_string());
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_patient_asks_and_the_clinic_sets_the_time(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mri = add_modality(&app, &c.root, "MRI, knee").await;
    let ct = add_modality(&app, &c.root, "CT").await;

    // A time from a patient is refused, and nothing is booked.
    let (status, body) =
        book(&app, &c.eva, json!({"diagnostics_id": mri, "date_time": NINE_LOCAL})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["errors"]["date_time"][0],
        "The clinic sets the time of a booking you request."
    );
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostic_bookings").await, 0);

    // `user_id` is ignored, however it is given: a patient books for themself.
    let (status, booking) =
        book(&app, &c.eva, json!({"diagnostics_id": mri, "user_id": c.nils.id})).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    assert_eq!(booking["user"]["id"], c.eva.id);
    assert_eq!(booking["user"]["profile"]["name"], "Eva");
    assert_eq!(booking["booked_by"]["id"], c.eva.id);
    assert_eq!(booking["diagnostic_service"]["id"], mri);
    assert_eq!(booking["diagnostic_service"]["modality"], "MRI, knee");
    assert_eq!(booking["date_time"], Value::Null);
    assert_eq!(booking["created_at"], "2026-11-26T11:00:00Z");
    let fields: Vec<&str> = booking.as_object().unwrap().keys().map(String::as_str).collect();
    for field in
        ["id", "user", "diagnostic_service", "booked_by", "date_time", "created_at", "updated_at"]
    {
        assert!(fields.contains(&field), "{field} in {booking}");
    }
    assert_eq!(fields.len(), 7, "{booking}");
    let (status, other) =
        book(&app, &c.eva, json!({"diagnostics_id": ct, "user_id": "nonsense", "date_time": null}))
            .await;
    assert_eq!(status, StatusCode::CREATED, "a null time is no time: {other}");
    assert_eq!(other["user"]["id"], c.eva.id);

    let received = booking_emails(&app, &c.eva.email, 4, BY_PATIENT).await;
    assert_eq!(received.len(), 2);
    assert!(received[0].text.contains("MRI, knee") && received[0].html.contains("MRI, knee"));
    assert!(received[1].text.contains("CT"));
    assert!(app.emails_to(&c.nils.email).iter().all(|e| !e.subject.contains("diagnostic")));

    // The clinic gives the request a time; the patient is told when, in clinic time.
    app.advance(chrono::Duration::minutes(5));
    let path = format!("/booking_diagnostic/{}", booking["id"]);
    let (status, scheduled) = app.patch(&c.operator, &path, json!({"date_time": NINE_LOCAL})).await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["date_time"], NINE_LOCAL_UTC);
    assert_eq!(scheduled["booked_by"]["id"], c.eva.id, "who made the booking stays");
    assert_eq!(scheduled["updated_at"], "2026-11-26T11:05:00Z");
    assert_eq!(scheduled["created_at"], "2026-11-26T11:00:00Z");
    let (_, shown) = app.get(&c.eva, &path).await;
    assert_eq!(shown["date_time"], NINE_LOCAL_UTC);

    let received = booking_emails(&app, &c.eva.email, 5, BY_STAFF).await;
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.to, c.eva.email);
    assert!(mail.text.contains("Eva") && mail.text.contains("MRI, knee"), "{}", mail.text);
    assert!(mail.text.contains("Tuesday 1 December 2026, 09:00 CET"), "{}", mail.text);
    assert!(mail.html.contains("09:00 CET"));

    // Moved: another e-mail with the new time, sent as UTC and shown in clinic time.
    let (status, moved) =
        app.patch(&c.root, &path, json!({"date_time": "2026-12-03T13:30:00Z"})).await;
    assert_eq!(
        (status, moved["date_time"].as_str()),
        (StatusCode::OK, Some("2026-12-03T13:30:00Z"))
    );
    let received = booking_emails(&app, &c.eva.email, 6, BY_STAFF).await;
    assert!(
        received[1].text.contains("Thursday 3 December 2026, 14:30 CET"),
        "{}",
        received[1].text
    );
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_clinic_books_a_patient_at_a_future_time(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mri = add_modality(&app, &c.root, "MRI").await;
    let ct = add_modality(&app, &c.root, "CT").await;

    let body = json!({"user_id": c.nils.id, "diagnostics_id": mri, "date_time": NINE_LOCAL_UTC});
    let (status, booking) = book(&app, &c.operator, body).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    assert_eq!(booking["user"]["id"], c.nils.id);
    assert_eq!(booking["user"]["profile"]["surname"], "Holm");
    assert_eq!(booking["booked_by"]["id"], c.operator.id);
    assert_eq!(booking["diagnostic_service"]["modality"], "MRI");
    assert_eq!(booking["date_time"], NINE_LOCAL_UTC);
    // An offset is read as written; a local time in the clinic's zone.
    let body = json!({"user_id": c.nils.id, "diagnostics_id": ct, "date_time": "2026-12-01T10:00:00+02:00"});
    let (status, other) = book(&app, &c.admin, body).await;
    assert_eq!((status, other["date_time"].as_str()), (StatusCode::CREATED, Some(NINE_LOCAL_UTC)));

    let received = booking_emails(&app, &c.nils.email, 4, BY_STAFF).await;
    assert_eq!(received.len(), 2);
    for (mail, modality) in received.iter().zip(["MRI", "CT"]) {
        assert_eq!(mail.to, c.nils.email);
        assert!(mail.text.contains(&format!("Examination: {modality}")), "{}", mail.text);
        assert!(mail.text.contains("Tuesday 1 December 2026, 09:00 CET"), "{}", mail.text);
        assert!(mail.html.contains(modality) && mail.html.contains("09:00 CET"));
    }
    for staff in [&c.operator, &c.admin, &c.root] {
        assert!(app.emails_to(&staff.email).iter().all(|e| !e.subject.contains("diagnostic")));
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_booking_by_the_clinic_names_what_is_wrong(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mri = add_modality(&app, &c.root, "MRI").await;
    let valid = json!({"user_id": c.nils.id, "diagnostics_id": mri, "date_time": NINE_LOCAL});
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = valid.clone();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let cases = [
        (without("date_time"), "date_time"),
        (with("date_time", Value::Null), "date_time"),
        (with("date_time", json!("2026-11-26T10:59")), "date_time"),
        (with("date_time", json!("2026-11-26T11:00:00Z")), "date_time"),
        (with("date_time", json!("2025-12-01T09:00")), "date_time"),
        (with("date_time", json!("tomorrow at nine")), "date_time"),
        (with("date_time", json!("2026-13-01T09:00")), "date_time"),
        (with("date_time", json!("2026-12-01")), "date_time"),
        (with("date_time", json!(1_764_576_000)), "date_time"),
        (with("date_time", json!("9".repeat(10_000))), "date_time"),
        (without("user_id"), "user_id"),
        (with("user_id", json!(c.doctor.id)), "user_id"),
        (with("user_id", json!(c.operator.id)), "user_id"),
        (with("user_id", json!(c.root.id)), "user_id"),
        (with("user_id", json!(9999)), "user_id"),
        (with("user_id", json!(c.nils.id.to_string())), "user_id"),
        (with("user_id", json!(-1)), "user_id"),
        (with("user_id", json!(1.5)), "user_id"),
        (without("diagnostics_id"), "diagnostics_id"),
        (with("diagnostics_id", json!(9999)), "diagnostics_id"),
        (with("diagnostics_id", json!(mri.to_string())), "diagnostics_id"),
        (with("diagnostics_id", json!(0)), "diagnostics_id"),
        (with("diagnostics_id", json!([mri])), "diagnostics_id"),
        (with("diagnostics_id", json!("Å".repeat(10_000))), "diagnostics_id"),
    ];
    for (body, field) in &cases {
        let (status, answer) = book(&app, &c.operator, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["detail"], "Invalid data.");
        assert!(answer["errors"][field][0].is_string(), "{field} for {body}: {answer}");
    }
    let (_, answer) = book(&app, &c.operator, json!({})).await;
    for field in ["user_id", "diagnostics_id", "date_time"] {
        assert_eq!(answer["errors"][field][0], "This field is required.", "{field}");
    }
    let (_, answer) = book(&app, &c.operator, with("date_time", json!("2026-11-01T09:00"))).await;
    assert_eq!(answer["errors"]["date_time"][0], "Choose a date and time in the future.");
    for body in [json!([valid.clone()]), json!("MRI"), json!(null)] {
        let (status, answer) = book(&app, &c.operator, body.clone()).await;
        assert_eq!(
            (status, answer["detail"].as_str()),
            (StatusCode::BAD_REQUEST, Some("Invalid request format."))
        );
    }
    let malformed = app
        .as_user(&c.operator, Method::POST, "/booking_diagnostic")
        .header("content-type", "application/json")
        .body("{\"user_id\": 1,");
    assert_eq!(send(malformed).await.0, StatusCode::BAD_REQUEST);
    let (status, body) = book(&app, &c.eva, json!({"diagnostics_id": "MRI"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["diagnostics_id"].is_array(), "{body}");

    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostic_bookings").await, 0);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let subjects = [BY_STAFF, BY_PATIENT];
    assert!(app.mailer.sent().iter().all(|e| !subjects.contains(&e.subject.as_str())));
    assert_eq!(book(&app, &c.operator, valid).await.0, StatusCode::CREATED, "the valid request");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_patient_is_booked_once_per_modality(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mri = add_modality(&app, &c.root, "MRI").await;
    let ct = add_modality(&app, &c.root, "CT").await;
    book_for(&app, &c.operator, c.eva.id, mri).await;

    const ALREADY: &str = "This patient already has a booking for this modality.";
    let again =
        json!({"user_id": c.eva.id, "diagnostics_id": mri, "date_time": "2026-12-05T09:00"});
    for booker in [&c.operator, &c.root] {
        let (status, body) = book(&app, booker, again.clone()).await;
        assert_eq!((status, body["detail"].as_str()), (StatusCode::CONFLICT, Some(ALREADY)));
    }
    let (status, body) = book(&app, &c.eva, json!({"diagnostics_id": mri})).await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::CONFLICT, Some(ALREADY)));
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostic_bookings").await, 1);

    // Another modality, or another patient, is another booking.
    assert_eq!(book(&app, &c.eva, json!({"diagnostics_id": ct})).await.0, StatusCode::CREATED);
    book_for(&app, &c.operator, c.nils.id, mri).await;
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostic_bookings").await, 3);
    // Only the accepted bookings were e-mailed: registration's two, one by staff, one request.
    let staff_mails = booking_emails(&app, &c.eva.email, 4, BY_STAFF).await;
    assert_eq!(staff_mails.len(), 1);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_schedule_needs_a_future_time(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mri = add_modality(&app, &c.root, "MRI").await;
    let id = book_for(&app, &c.operator, c.eva.id, mri).await;
    let path = format!("/booking_diagnostic/{id}");
    for body in [
        json!({}),
        json!({"date_time": null}),
        json!({"date_time": "2026-11-26T10:00"}),
        json!({"date_time": "soon"}),
        json!({"date_time": 20261201}),
        json!({"date_time": ["2026-12-01T09:00"]}),
        json!({"date_time": "2026-02-30T09:00"}),
        json!({"date_time": "x".repeat(10_000)}),
    ] {
        let (status, answer) = app.patch(&c.operator, &path, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert!(answer["errors"]["date_time"][0].is_string(), "{body}: {answer}");
    }
    let (status, answer) = app.patch(&c.operator, &path, json!([1])).await;
    assert_eq!(
        (status, answer["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Invalid request format."))
    );
    let (_, unchanged) = app.get(&c.root, &path).await;
    assert_eq!(unchanged["date_time"], NINE_LOCAL_UTC);
    assert_eq!(
        booking_emails(&app, &c.eva.email, 3, BY_STAFF).await.len(),
        1,
        "the booking's only"
    );
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_list_filters_orders_and_pages(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let asa = app.patient_named("asa@clinic.test", "Åsa", "Öberg").await;
    let erik = app.patient_named("erik@clinic.test", "Erik", "Lindqvist").await;
    let knee = add_modality(&app, &c.root, "MRI, knee").await;
    let xray = add_modality(&app, &c.root, "Röntgen").await;
    let ct = add_modality(&app, &c.root, "CT").await;
    // Bookings 1–6, in this order.
    let plan = [
        (c.eva.id, knee),
        (c.nils.id, xray),
        (asa.id, knee),
        (erik.id, ct),
        (asa.id, xray),
        (c.eva.id, ct),
    ];
    let mut b = Vec::new();
    for (patient, modality) in plan {
        b.push(book_for(&app, &c.operator, patient, modality).await);
    }

    let cases: &[(&str, Vec<u64>)] = &[
        ("diagnostic_service=mri", vec![b[0], b[2]]),
        ("diagnostic_service=RONTGEN", vec![b[1], b[4]]),
        ("patient_name=asa", vec![b[2], b[4]]),
        ("patient_name=ERIK", vec![b[3]]),
        ("patient_surname=lind", vec![b[0], b[3], b[5]]),
        ("patient_surname=oberg&diagnostic_service=r", vec![b[2], b[4]]),
        ("patient_surname=lind&diagnostic_service=ct", vec![b[3], b[5]]),
        ("patient_name=eva&order=-id", vec![b[5], b[0]]),
        ("order=-id", b.iter().rev().copied().collect()),
        ("order=id", b.clone()),
        ("patient_name=%25", vec![]),
        ("unknown=x&patient_name=nils", vec![b[1]]),
    ];
    for (query, expected) in cases {
        let (status, page) =
            app.get(&c.doctor, &format!("/booking_diagnostic?{query}&size=25")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(&ids(&page), expected, "{query}");
        assert_eq!(page["total_items"].as_u64().unwrap() as usize, expected.len(), "{query}");
    }
    // A patient's filters search their own bookings only.
    let (_, page) = app.get(&asa, "/booking_diagnostic?diagnostic_service=ct").await;
    assert_eq!(page["total_items"], 0);
    let (_, page) = app.get(&asa, "/booking_diagnostic?order=-id").await;
    assert_eq!(ids(&page), [b[4], b[2]]);
    let (_, page) = app.get(&c.eva, "/booking_diagnostic?patient_name=asa").await;
    assert_eq!(ids(&page), Vec::<u64>::new());

    let (_, page) = app.get(&c.doctor, "/booking_diagnostic").await;
    assert_eq!((page["total_items"].as_u64(), page["total_pages"].as_u64()), (Some(6), Some(2)));
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(false), Some(true)));
    assert_eq!(ids(&page), b[..5]);
    let (_, page) = app.get(&c.doctor, "/booking_diagnostic?size=4&page=2").await;
    assert_eq!(ids(&page), b[4..]);
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(true), Some(false)));
    // Every row embeds its patient, who booked it, and the modality.
    let row = &page["data"][1];
    assert_eq!(row["user"]["profile"]["name"], "Eva");
    assert_eq!(row["booked_by"]["id"], c.operator.id);
    assert_eq!(row["diagnostic_service"]["modality"], "CT");
    let (status, body) = app.get(&c.doctor, "/booking_diagnostic?page=3").await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::NOT_FOUND, Some("Invalid page.")));
    for (bad, parameter) in [("order=datetime", "order"), ("order=ID", "order"), ("size=0", "size")]
    {
        let (status, body) = app.get(&c.doctor, &format!("/booking_diagnostic?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["errors"][parameter].is_array(), "{bad}: {body}");
    }

    // Totals follow new bookings, renamed modalities and renamed patients at once.
    let (_, before) = app.get(&c.doctor, "/booking_diagnostic?diagnostic_service=mri").await;
    assert_eq!(before["total_items"], 2);
    app.patch(&c.root, &format!("/diagnostics/{ct}"), json!({"modality": "MRI-guided CT"})).await;
    let (_, after) = app.get(&c.doctor, "/booking_diagnostic?diagnostic_service=mri").await;
    assert_eq!(
        (ids(&after), after["total_items"].as_u64()),
        (vec![b[0], b[2], b[3], b[5]], Some(4))
    );
    let (status, _) = app
        .patch(&c.nils, &format!("/users/{}", c.nils.id), json!({"profile": {"name": "Åke"}}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, renamed) = app.get(&c.doctor, "/booking_diagnostic?patient_name=ake").await;
    assert_eq!((ids(&renamed), renamed["total_items"].as_u64()), (vec![b[1]], Some(1)));
    let newest = book_for(&app, &c.operator, c.nils.id, knee).await;
    let (_, after) = app.get(&c.doctor, "/booking_diagnostic?patient_name=ake").await;
    assert_eq!((ids(&after), after["total_items"].as_u64()), (vec![b[1], newest], Some(2)));
    app.delete(&c.operator, &format!("/booking_diagnostic/{}", b[1])).await;
    let (_, after) = app.get(&c.doctor, "/booking_diagnostic?patient_name=ake").await;
    assert_eq!((ids(&after), after["total_items"].as_u64()), (vec![newest], Some(1)));
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_deleted_booker_leaves_the_booking(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mri = add_modality(&app, &c.root, "MRI").await;
    let id = book_for(&app, &c.operator, c.eva.id, mri).await;
    let (status, body) = app.delete(&c.operator, &format!("/users/{}", c.operator.id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, booking) = app.get(&c.root, &format!("/booking_diagnostic/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(booking["booked_by"], Value::Null);
    assert_eq!(booking["user"]["id"], c.eva.id);
    let (_, page) = app.get(&c.root, "/booking_diagnostic").await;
    assert_eq!(page["data"][0]["booked_by"], Value::Null);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn simultaneous_bookings_of_one_modality_make_one(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mri = add_modality(&app, &c.root, "MRI").await;
    let by_clinic = json!({"user_id": c.eva.id, "diagnostics_id": mri, "date_time": NINE_LOCAL});
    let (a, b, d) = tokio::join!(
        book(&app, &c.operator, by_clinic.clone()),
        book(&app, &c.admin, by_clinic.clone()),
        book(&app, &c.eva, json!({"diagnostics_id": mri})),
    );
    let mut statuses = [a.0.as_u16(), b.0.as_u16(), d.0.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409], "{a:?} {b:?} {d:?}");
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM diagnostic_bookings").await, 1);
    // One booking, one e-mail (after registration's two).
    app.wait_for_emails(&c.eva.email, 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(app.emails_to(&c.eva.email).len(), 3);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_examination_after_2038_is_booked_and_moved(db: MySqlPool) {
    // MySQL's TIMESTAMP ends in January 2038; bookings are DATETIMEs and must not end with it.
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let mri = add_modality(&app, &c.root, "MRI").await;
    let body =
        json!({"user_id": c.nils.id, "diagnostics_id": mri, "date_time": "2040-06-01T10:00:00Z"});
    let (status, booking) = book(&app, &c.operator, body).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    assert_eq!(booking["date_time"], "2040-06-01T10:00:00Z");
    let id = booking["id"].as_u64().unwrap();
    let moved = json!({"date_time": "2045-01-02T09:30:00Z"});
    let (status, booking) =
        app.patch(&c.operator, &format!("/booking_diagnostic/{id}"), moved).await;
    assert_eq!(status, StatusCode::OK, "{booking}");
    assert_eq!(booking["date_time"], "2045-01-02T09:30:00Z");
}
