//! `/api/booking_doctor`, row by row.

use chrono::{DateTime, Duration, TimeZone, Utc};
use qhealth::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{
    PASSWORD, Person, Session, TestApp, count, ids, insert_doctor, insert_person, send,
    start_of_test,
};

/// Tuesday 1 December 2026, 09:00 in Stockholm: five days after the tests start.
const VISIT_LOCAL: &str = "2026-12-01T09:00";
const VISIT_UTC: &str = "2026-12-01T08:00:00Z";
const VISIT_TEXT: &str = "Tuesday 1 December 2026, 09:00 CET";

const NO_DOCTOR: &str = "Choose a doctor: there is no doctor with this id.";
const NO_PATIENT: &str = "Choose a patient: there is no patient with this id.";
const SLOT_TAKEN: &str =
    "This doctor already has a visit booked at this time. Choose another time.";
const ALREADY_BOOKED: &str = "This patient already has a booked visit with this doctor. Cancel \
     it, or book another one after it has taken place.";
const TOO_LATE: &str =
    "Visits can be cancelled online until 24 hours before they start. Please call the clinic.";
const ALREADY_CANCELLED: &str = "This visit is already cancelled.";
const BOOKED_SUBJECT: &str = "Your doctor's appointment is booked";
const CANCELLED_SUBJECT: &str = "Your doctor's appointment is cancelled";

/// `hours` after the tests start, in RFC 3339.
fn hours_ahead(hours: i64) -> String {
    (start_of_test() + Duration::hours(hours)).to_rfc3339()
}

fn person<'a>(email: &'a str, name: &'a str, surname: &'a str) -> Person<'a> {
    Person {
        email,
        name,
        surname,
        date_of_birth: "1980-05-05",
        city: "Lund",
        country: "Sweden",
        gender: "Female",
    }
}

/// A patient on file (active, never signed in).
async fn patient_on_file(app: &TestApp, email: &str, name: &str, surname: &str) -> u64 {
    insert_person(&app.db, person(email, name, surname)).await
}

/// A doctor on file with `specialty`, active and available for booking.
async fn doctor_on_file(
    app: &TestApp,
    email: &str,
    name: &str,
    surname: &str,
    specialty: &str,
) -> u64 {
    insert_doctor(&app.db, person(email, name, surname), specialty).await
}

async fn book(
    app: &TestApp,
    by: &Session,
    user_id: u64,
    doctor_id: u64,
    date_time: &str,
) -> (StatusCode, Value) {
    let body = json!({"user_id": user_id, "doctor_id": doctor_id, "date_time": date_time});
    send(app.as_user(by, Method::POST, "/booking_doctor").json(&body)).await
}

/// Books and answers the new visit's id.
async fn booked(app: &TestApp, by: &Session, user_id: u64, doctor_id: u64, when: &str) -> u64 {
    let (status, body) = book(app, by, user_id, doctor_id, when).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_u64().unwrap()
}

async fn cancel(app: &TestApp, by: &Session, id: u64) -> (StatusCode, Value) {
    app.patch(by, &format!("/booking_doctor/cancelled/{id}"), json!({})).await
}

/// Signs in again: access tokens last ten minutes, and tests move the clock by days.
async fn again(app: &TestApp, session: &Session) -> Session {
    app.session(&session.email, PASSWORD).await
}

async fn status_of(db: &MySqlPool, id: u64) -> String {
    sqlx::query_scalar("SELECT status FROM doctor_visits WHERE id = ?")
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap()
}

fn with_subject(app: &TestApp, address: &str, subject: &str) -> Vec<qhealth::mail::Email> {
    app.emails_to(address).into_iter().filter(|e| e.subject == subject).collect()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_and_operators_book_and_no_one_else(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let bookers = [
        app.superuser().await,
        app.staff("admin@clinic.test", Role::Admin).await,
        app.staff("op@clinic.test", Role::Operator).await,
    ];
    for (n, booker) in bookers.iter().enumerate() {
        let patient = patient_on_file(&app, &format!("p{n}@clinic.test"), "Per", "Son").await;
        let (status, body) = book(&app, booker, patient, doctor, &hours_ahead(48 + n as i64)).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", booker.email);
    }
    let patient = app.patient("eva@clinic.test").await;
    let refused = [
        app.staff("doc@clinic.test", Role::Doctor).await,
        app.staff("ph@clinic.test", Role::Pharmacist).await,
        patient.clone(),
    ];
    for caller in &refused {
        let (status, body) = book(&app, caller, patient.id, doctor, VISIT_LOCAL).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", caller.email);
        assert_eq!(body["detail"], "You don't have access.");
    }
    let body = json!({"user_id": patient.id, "doctor_id": doctor, "date_time": VISIT_LOCAL});
    let (status, _) = send(app.request(Method::POST, "/booking_doctor").json(&body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 3);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_booking_answers_the_visit_and_emails_the_patient_once(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let patient = patient_on_file(&app, "asa@clinic.test", "Åsa", "Öberg").await;

    let (status, visit) = book(&app, &operator, patient, doctor, VISIT_LOCAL).await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    let mut fields: Vec<&str> = visit.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "created_at",
            "date_time",
            "doctor",
            "duration_minutes",
            "id",
            "is_active",
            "status",
            "updated_at",
            "user"
        ]
    );
    assert_eq!(visit["user"]["id"], patient);
    assert_eq!(visit["user"]["email"], "asa@clinic.test");
    assert_eq!(visit["user"]["profile"]["name"], "Åsa");
    assert_eq!(
        visit["doctor"],
        json!({"id": doctor, "specialty": "Cardiology", "name": "Karin", "surname": "Berg"})
    );
    assert_eq!(visit["status"], "booked");
    assert_eq!(visit["is_active"], true);
    assert_eq!(visit["date_time"], VISIT_UTC, "a local time is the clinic's");
    assert_eq!(visit["created_at"], "2026-11-26T11:00:00Z");
    let id = visit["id"].as_u64().unwrap();
    let created_by: Option<u64> =
        sqlx::query_scalar("SELECT created_by_id FROM doctor_visits WHERE id = ?")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(created_by, Some(operator.id));

    let (status, detail) = app.get(&operator, &format!("/booking_doctor/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail, visit);

    let emails = app.wait_for_emails("asa@clinic.test", 1).await;
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert_eq!(emails[0].subject, BOOKED_SUBJECT);
    for part in [&emails[0].text, &emails[0].html] {
        for fact in ["Åsa", "Karin Berg", "Cardiology", VISIT_TEXT, "24 hours"] {
            assert!(part.contains(fact), "{fact} missing from {part}");
        }
    }
    assert!(app.emails_to("karin@clinic.test").is_empty(), "only the patient is told");
    assert!(with_subject(&app, &operator.email, BOOKED_SUBJECT).is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_doctor_must_be_an_active_doctor_available_for_booking(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let patient = patient_on_file(&app, "per@clinic.test", "Per", "Son").await;
    let another_patient = patient_on_file(&app, "ola@clinic.test", "Ola", "Ek").await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let pharmacist = app.staff("ph@clinic.test", Role::Pharmacist).await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let inactive = doctor_on_file(&app, "ina@clinic.test", "Ina", "Borg", "Cardiology").await;
    sqlx::query("UPDATE users SET is_active = FALSE WHERE id = ?")
        .bind(inactive)
        .execute(&app.db)
        .await
        .unwrap();
    let unavailable = doctor_on_file(&app, "una@clinic.test", "Una", "Falk", "Cardiology").await;
    sqlx::query("UPDATE roles SET is_available_for_booking = FALSE WHERE user_id = ?")
        .bind(unavailable)
        .execute(&app.db)
        .await
        .unwrap();

    let cases = [
        (another_patient, NO_DOCTOR),
        (operator.id, NO_DOCTOR),
        (pharmacist.id, NO_DOCTOR),
        (admin.id, NO_DOCTOR),
        (root.id, NO_DOCTOR),
        (999_999, NO_DOCTOR),
        (inactive, "This doctor's account is not active. Choose another doctor."),
        (unavailable, "This doctor is not available for booking. Choose another doctor."),
    ];
    for (doctor_id, message) in cases {
        let (status, body) = book(&app, &root, patient, doctor_id, VISIT_LOCAL).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{doctor_id}: {body}");
        assert_eq!(body["detail"], "Invalid data.");
        assert_eq!(body["errors"]["doctor_id"], json!([message]), "{doctor_id}");
        assert!(body["errors"].get("user_id").is_none(), "{body}");
    }
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 0);
    assert!(app.emails_to("per@clinic.test").is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_patient_must_be_a_patient_other_than_the_doctor(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let other_doctor =
        doctor_on_file(&app, "nils@clinic.test", "Nils", "Holm", "Dermatology").await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    for user_id in [other_doctor, admin.id, root.id, operator.id, 999_999] {
        let (status, body) = book(&app, &root, user_id, doctor, VISIT_LOCAL).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{user_id}: {body}");
        assert_eq!(body["errors"]["user_id"], json!([NO_PATIENT]), "{user_id}");
        assert!(body["errors"].get("doctor_id").is_none(), "{body}");
    }

    let (status, body) = book(&app, &root, doctor, doctor, VISIT_LOCAL).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"]["doctor_id"],
        json!(["The doctor and the patient must be different people."])
    );

    // Both references wrong: both are named.
    let patient = patient_on_file(&app, "per@clinic.test", "Per", "Son").await;
    let (status, body) = book(&app, &root, other_doctor, patient, VISIT_LOCAL).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"]["user_id"], json!([NO_PATIENT]));
    assert_eq!(body["errors"]["doctor_id"], json!([NO_DOCTOR]));
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 0);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn bad_input_is_refused_field_by_field(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let patient = patient_on_file(&app, "per@clinic.test", "Per", "Son").await;
    let post = |body: Value| send(app.as_user(&root, Method::POST, "/booking_doctor").json(&body));

    let (status, body) = post(json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["user_id", "doctor_id", "date_time"] {
        assert_eq!(body["errors"][field], json!(["This field is required."]), "{field}");
    }
    let long = "1".repeat(10_000);
    for wrong in [
        json!({"user_id": "abc", "doctor_id": -1, "date_time": 42}),
        json!({"user_id": 1.5, "doctor_id": 0, "date_time": true}),
        json!({"user_id": long, "doctor_id": [doctor], "date_time": {"at": VISIT_LOCAL}}),
        json!({"user_id": null, "doctor_id": null, "date_time": null}),
    ] {
        let (status, body) = post(wrong.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{wrong}");
        assert_eq!(body["detail"], "Invalid data.");
        for field in ["user_id", "doctor_id", "date_time"] {
            assert!(body["errors"][field].is_array(), "{field} of {wrong}: {body}");
        }
    }

    let future = "Choose a date and time in the future.";
    let now = start_of_test().to_rfc3339();
    let bad_times = [
        (hours_ahead(-1), future),
        (now, future),
        ("2026-11-26T12:00".into(), future), // 11:00 UTC: the very moment, in local time
        ("2020-01-01T09:00:00Z".into(), future),
        ("2026-13-01T09:00".into(), "Enter a date and time"),
        ("01/12/2026 09:00".into(), "Enter a date and time"),
        ("tomorrow".into(), "Enter a date and time"),
        ("2026-12-01".into(), "Enter a date and time"),
        ("x".repeat(10_000), "Enter a date and time"),
    ];
    for (date_time, message) in bad_times {
        let (status, body) = book(&app, &root, patient, doctor, &date_time).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{date_time}: {body}");
        let errors = body["errors"].as_object().unwrap();
        assert_eq!(errors.len(), 1, "only date_time is wrong: {body}");
        assert!(errors["date_time"][0].as_str().unwrap().starts_with(message), "{body}");
    }

    for raw in ["{", "[1, 2]", "\"text\"", "{\"user_id\": 1,}"] {
        let request = app
            .as_user(&root, Method::POST, "/booking_doctor")
            .header("content-type", "application/json")
            .body(raw);
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{raw}");
        assert_eq!(body["detail"], "Invalid request format.");
    }
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 0);
    assert!(app.mailer.sent().iter().all(|e| e.subject != BOOKED_SUBJECT));
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_doctor_has_one_booked_visit_at_a_time(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let other_doctor =
        doctor_on_file(&app, "nils@clinic.test", "Nils", "Holm", "Dermatology").await;
    let eva = patient_on_file(&app, "eva@clinic.test", "Eva", "Lind").await;
    let per = patient_on_file(&app, "per@clinic.test", "Per", "Son").await;
    let ola = patient_on_file(&app, "ola@clinic.test", "Ola", "Ek").await;

    let first = booked(&app, &root, eva, doctor, VISIT_LOCAL).await;
    // The same moment, however it is written.
    for same in [VISIT_LOCAL, VISIT_UTC, "2026-12-01T09:00:00+01:00", "2026-12-01T03:00:00-05:00"] {
        let (status, body) = book(&app, &root, per, doctor, same).await;
        assert_eq!(status, StatusCode::CONFLICT, "{same}: {body}");
        assert_eq!(body["detail"], SLOT_TAKEN);
    }
    booked(&app, &root, per, other_doctor, "2026-12-01T10:00").await;
    // The next time once the first visit (30 minutes, the default length) is over.
    booked(&app, &root, ola, doctor, "2026-12-01T09:30").await;

    let (status, _) = cancel(&app, &root, first).await;
    assert_eq!(status, StatusCode::OK);
    let again = booked(&app, &root, per, doctor, VISIT_LOCAL).await;
    assert_ne!(again, first);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 4);
    assert!(with_subject(&app, "per@clinic.test", BOOKED_SUBJECT).len() == 2);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn simultaneous_bookings_of_one_time_give_one_visit(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let mut patients = Vec::new();
    for n in 0..4 {
        patients.push(patient_on_file(&app, &format!("p{n}@clinic.test"), "Per", "Son").await);
    }
    let (a, b, c, d) = tokio::join!(
        book(&app, &root, patients[0], doctor, VISIT_LOCAL),
        book(&app, &root, patients[1], doctor, VISIT_LOCAL),
        book(&app, &root, patients[2], doctor, VISIT_LOCAL),
        book(&app, &root, patients[3], doctor, VISIT_LOCAL),
    );
    let statuses = [a.0, b.0, c.0, d.0];
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let conflicts = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((created, conflicts), (1, 3), "{statuses:?}");

    // One patient, one doctor, several future times at once: one visit.
    let eva = patient_on_file(&app, "eva@clinic.test", "Eva", "Lind").await;
    let times = [hours_ahead(30), hours_ahead(31), hours_ahead(32)];
    let (a, b, c) = tokio::join!(
        book(&app, &root, eva, doctor, &times[0]),
        book(&app, &root, eva, doctor, &times[1]),
        book(&app, &root, eva, doctor, &times[2]),
    );
    let statuses = [a.0, b.0, c.0];
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{statuses:?}");
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 2);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_patient_has_one_booked_future_visit_per_doctor(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let other_doctor =
        doctor_on_file(&app, "nils@clinic.test", "Nils", "Holm", "Dermatology").await;
    let eva = patient_on_file(&app, "eva@clinic.test", "Eva", "Lind").await;

    let first = booked(&app, &root, eva, doctor, VISIT_LOCAL).await;
    let (status, body) = book(&app, &root, eva, doctor, &hours_ahead(240)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["detail"], ALREADY_BOOKED);
    booked(&app, &root, eva, other_doctor, &hours_ahead(230)).await;

    // A cancelled visit does not count.
    cancel(&app, &root, first).await;
    let second = booked(&app, &root, eva, doctor, &hours_ahead(240)).await;

    // Nor does one that has taken place.
    app.clock.set(start_of_test() + Duration::hours(241));
    let root = again(&app, &root).await;
    let third = booked(&app, &root, eva, doctor, &hours_ahead(300)).await;
    assert_eq!(status_of(&app.db, second).await, "booked");
    assert!(third > second);
}

/// Two doctors and two patients; visits 1 (Åsa with Karin), 2 (Per with Nils) and
/// 3 (Per with Karin, cancelled).
async fn clinic_with_visits(app: &TestApp) -> (Session, [u64; 3]) {
    let root = app.superuser().await;
    let karin = doctor_on_file(app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let nils = doctor_on_file(app, "nils@clinic.test", "Nils", "Holm", "Dermatology").await;
    let asa = patient_on_file(app, "asa@clinic.test", "Åsa", "Öberg").await;
    let per = patient_on_file(app, "per@clinic.test", "Per", "Svensson").await;
    let first = booked(app, &root, asa, karin, &hours_ahead(48)).await;
    let second = booked(app, &root, per, nils, &hours_ahead(49)).await;
    let third = booked(app, &root, per, karin, &hours_ahead(50)).await;
    let (status, _) = cancel(app, &root, third).await;
    assert_eq!(status, StatusCode::OK);
    (root, [first, second, third])
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_visit_filter_has_its_effect(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (root, [first, second, third]) = clinic_with_visits(&app).await;
    let cases: [(&str, Vec<u64>); 16] = [
        ("", vec![first, second, third]),
        ("specialty=cardio", vec![first, third]),
        ("specialty=DERMA", vec![second]),
        ("doctor_name=kar", vec![first, third]),
        ("doctor_name=Nils", vec![second]),
        ("doctor_surname=holm", vec![second]),
        ("patient_name=%C3%A5sa", vec![first]),
        ("patient_name=per", vec![second, third]),
        ("patient_surname=svens", vec![second, third]),
        ("patient_surname=%C3%96berg", vec![first]),
        ("status=booked", vec![first, second]),
        ("status=cancelled", vec![third]),
        ("order=-id", vec![third, second, first]),
        ("order=id", vec![first, second, third]),
        ("specialty=cardio&status=booked&patient_name=%C3%A5sa", vec![first]),
        ("doctor_name=%25", vec![]),
    ];
    for (query, expected) in cases {
        let (status, page) = app.get(&root, &format!("/booking_doctor?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(ids(&page), expected, "{query}");
        assert_eq!(page["total_items"], expected.len(), "{query}");
    }
    for bad in ["status=Booked", "status=active", "order=datetime", "order=-created_at"] {
        let (status, body) = app.get(&root, &format!("/booking_doctor?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        let name = bad.split('=').next().unwrap();
        assert!(body["errors"][name].is_array(), "{bad}: {body}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn totals_follow_cancellations_deletions_and_renamed_patients(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (root, [first, second, _]) = clinic_with_visits(&app).await;
    let total = |query: &'static str| {
        let (app, root) = (&app, &root);
        async move {
            let (status, page) = app.get(root, &format!("/booking_doctor?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert_eq!(page["data"].as_array().unwrap().len() as u64, page["total_items"]);
            page["total_items"].as_u64().unwrap()
        }
    };
    assert_eq!(total("status=booked").await, 2);
    assert_eq!(total("status=cancelled").await, 1);
    cancel(&app, &root, second).await;
    assert_eq!(total("status=booked").await, 1);
    assert_eq!(total("status=cancelled").await, 2);

    assert_eq!(total("patient_name=pe").await, 2);
    let asa = user_id_of_visit(&app.db, first).await;
    let (status, _) =
        app.patch(&root, &format!("/users/{asa}"), json!({"profile": {"name": "Pella"}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total("patient_name=pe").await, 3);

    let (status, _) = app.delete(&root, &format!("/booking_doctor/{second}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(total("patient_name=pe").await, 2);
    assert_eq!(total("").await, 2);
}

async fn user_id_of_visit(db: &MySqlPool, id: u64) -> u64 {
    sqlx::query_scalar("SELECT user_id FROM doctor_visits WHERE id = ?")
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn visit_lists_are_paged(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let mut visits = Vec::new();
    for n in 0..12 {
        let patient = patient_on_file(&app, &format!("p{n}@clinic.test"), "Per", "Son").await;
        visits.push(booked(&app, &root, patient, doctor, &hours_ahead(24 + n)).await);
    }
    let (status, page) = app.get(&root, "/booking_doctor").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((page["total_items"].as_u64(), page["total_pages"].as_u64()), (Some(12), Some(3)));
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(false), Some(true)));
    assert_eq!(ids(&page), visits[..5]);
    // Every visit on a page embeds its own patient.
    for visit in page["data"].as_array().unwrap() {
        assert_eq!(
            visit["user"]["id"],
            user_id_of_visit(&app.db, visit["id"].as_u64().unwrap()).await
        );
        assert_eq!(visit["doctor"]["id"], doctor);
    }

    let (_, page) = app.get(&root, "/booking_doctor?page=3").await;
    assert_eq!(ids(&page), visits[10..]);
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(true), Some(false)));
    let (_, page) = app.get(&root, "/booking_doctor?order=-id&size=4&page=2").await;
    let expected: Vec<u64> = visits[4..8].iter().rev().copied().collect();
    assert_eq!(ids(&page), expected);
    let (_, page) = app.get(&root, "/booking_doctor?size=1000").await;
    assert_eq!(ids(&page), visits);
    assert_eq!(page["total_pages"], 1);

    let (status, body) = app.get(&root, "/booking_doctor?page=4").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"], "Invalid page.");
    for bad in ["page=0", "page=abc", "size=0", "size=-5", "size=ten"] {
        let (status, body) = app.get(&root, &format!("/booking_doctor?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        let name = bad.split('=').next().unwrap();
        assert!(body["errors"][name].is_array(), "{bad}: {body}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_doctors_and_operators_see_every_visit_and_patients_their_own(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let eva = app.patient("eva@clinic.test").await;
    let other = patient_on_file(&app, "per@clinic.test", "Per", "Son").await;
    let own = booked(&app, &root, eva.id, doctor, &hours_ahead(48)).await;
    let others = booked(&app, &root, other, doctor, &hours_ahead(49)).await;

    let readers = [
        root.clone(),
        app.staff("admin@clinic.test", Role::Admin).await,
        app.staff("doc@clinic.test", Role::Doctor).await,
        app.staff("op@clinic.test", Role::Operator).await,
    ];
    for reader in &readers {
        let (status, page) = app.get(reader, "/booking_doctor").await;
        assert_eq!(status, StatusCode::OK, "{}", reader.email);
        assert_eq!(ids(&page), [own, others], "{}", reader.email);
        let (status, visit) = app.get(reader, &format!("/booking_doctor/{others}")).await;
        assert_eq!(status, StatusCode::OK, "{}", reader.email);
        assert_eq!(visit["user"]["id"], other);
    }

    let (status, page) = app.get(&eva, "/booking_doctor").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&page), [own]);
    assert_eq!(page["total_items"], 1);
    let (_, page) = app.get(&eva, "/booking_doctor?patient_surname=son").await;
    assert_eq!(ids(&page), Vec::<u64>::new(), "filters stay within the patient's own visits");
    let (status, visit) = app.get(&eva, &format!("/booking_doctor/{own}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(visit["user"]["id"], eva.id);
    let (status, body) = app.get(&eva, &format!("/booking_doctor/{others}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"], "Not found.");

    let pharmacist = app.staff("ph@clinic.test", Role::Pharmacist).await;
    for path in ["/booking_doctor".to_owned(), format!("/booking_doctor/{own}")] {
        let (status, body) = app.get(&pharmacist, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(body["detail"], "You don't have access.");
        let (status, _) = send(app.request(Method::GET, &path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    for unknown in ["999999", "0", "abc", "-1"] {
        let (status, _) = app.get(&root, &format!("/booking_doctor/{unknown}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn patients_cancel_until_24_hours_before_the_visit(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let eva = app.patient("eva@clinic.test").await;
    let visit_at = Utc.with_ymd_and_hms(2026, 11, 29, 11, 0, 0).unwrap();
    let id = booked(&app, &root, eva.id, doctor, &visit_at.to_rfc3339()).await;

    let day = Duration::hours(24);
    for before in [day - Duration::minutes(1), day] {
        app.clock.set(visit_at - before);
        let eva = again(&app, &eva).await;
        let (status, body) = cancel(&app, &eva, id).await;
        assert_eq!(status, StatusCode::CONFLICT, "{before}");
        assert_eq!(body["detail"], TOO_LATE);
        assert_eq!(status_of(&app.db, id).await, "booked");
    }

    let now: DateTime<Utc> = visit_at - day - Duration::minutes(1);
    app.clock.set(now);
    let eva = again(&app, &eva).await;
    let (status, visit) = cancel(&app, &eva, id).await;
    assert_eq!(status, StatusCode::OK, "{visit}");
    assert_eq!(visit["id"], id);
    assert_eq!(visit["status"], "cancelled");
    assert_eq!(visit["is_active"], false);
    assert_eq!(visit["updated_at"], "2026-11-28T10:59:00Z");
    assert_eq!(visit["doctor"]["id"], doctor);
    assert_eq!(visit["user"]["id"], eva.id);

    // Registration (2), booking and cancellation.
    app.wait_for_emails("eva@clinic.test", 4).await;
    let cancelled = with_subject(&app, "eva@clinic.test", CANCELLED_SUBJECT);
    assert_eq!(cancelled.len(), 1);
    for fact in ["Eva", "Karin Berg", "Cardiology", "Sunday 29 November 2026, 12:00 CET"] {
        assert!(cancelled[0].text.contains(fact), "{fact}: {}", cancelled[0].text);
        assert!(cancelled[0].html.contains(fact), "{fact}: {}", cancelled[0].html);
    }
    assert_eq!(with_subject(&app, "eva@clinic.test", BOOKED_SUBJECT).len(), 1);

    // Cancelling twice is refused, whoever asks.
    let (status, body) = cancel(&app, &eva, id).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["detail"], ALREADY_CANCELLED);
    let root = again(&app, &root).await;
    let (status, body) = cancel(&app, &root, id).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["detail"], ALREADY_CANCELLED);
    assert_eq!(with_subject(&app, "eva@clinic.test", CANCELLED_SUBJECT).len(), 1);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_and_operators_cancel_at_any_time(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let other_doctor =
        doctor_on_file(&app, "nils@clinic.test", "Nils", "Holm", "Dermatology").await;
    let eva = app.patient("eva@clinic.test").await;

    let soon = booked(&app, &root, eva.id, doctor, &hours_ahead(1)).await;
    let (status, body) = cancel(&app, &eva, soon).await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::CONFLICT, Some(TOO_LATE)));
    let (status, visit) = cancel(&app, &operator, soon).await;
    assert_eq!(status, StatusCode::OK, "{visit}");
    assert_eq!(visit["status"], "cancelled");

    // A visit that has passed: within 24 hours for the patient, still the clinic's to cancel.
    let past = booked(&app, &root, eva.id, other_doctor, &hours_ahead(2)).await;
    app.advance(Duration::hours(3));
    let (eva, root) = (again(&app, &eva).await, again(&app, &root).await);
    let (status, body) = cancel(&app, &eva, past).await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::CONFLICT, Some(TOO_LATE)));
    let (status, _) = cancel(&app, &root, past).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_of(&app.db, past).await, "cancelled");

    let emails = app.wait_for_emails("eva@clinic.test", 6).await;
    assert_eq!(emails.iter().filter(|e| e.subject == CANCELLED_SUBJECT).count(), 2);
    assert!(app.emails_to("karin@clinic.test").is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn who_may_not_cancel(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let per = patient_on_file(&app, "per@clinic.test", "Per", "Son").await;
    let id = booked(&app, &root, per, doctor, VISIT_LOCAL).await;

    for role in [Role::Doctor, Role::Pharmacist] {
        let caller = app.staff(&format!("{}@clinic.test", role.as_str()), role).await;
        let (status, body) = cancel(&app, &caller, id).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(body["detail"], "You don't have access.");
    }
    let eva = app.patient("eva@clinic.test").await;
    for unknown in [id.to_string(), "999999".into(), "abc".into()] {
        let (status, body) =
            app.patch(&eva, &format!("/booking_doctor/cancelled/{unknown}"), json!({})).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another patient's visit is not shown: {unknown}"
        );
        assert_eq!(body["detail"], "Not found.");
    }
    let (status, _) = cancel(&app, &root, 999_999).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        send(app.request(Method::PATCH, &format!("/booking_doctor/cancelled/{id}"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(status_of(&app.db, id).await, "booked");
    assert!(with_subject(&app, "per@clinic.test", CANCELLED_SUBJECT).is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_and_operators_delete_visits(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let eva = app.patient("eva@clinic.test").await;
    let own = booked(&app, &root, eva.id, doctor, VISIT_LOCAL).await;
    let per = patient_on_file(&app, "per@clinic.test", "Per", "Son").await;
    let other = booked(&app, &root, per, doctor, &hours_ahead(48)).await;

    let refused = [
        app.staff("doc@clinic.test", Role::Doctor).await,
        app.staff("ph@clinic.test", Role::Pharmacist).await,
        eva.clone(),
    ];
    for caller in &refused {
        let (status, body) = app.delete(caller, &format!("/booking_doctor/{own}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", caller.email);
        assert_eq!(body["detail"], "You don't have access.");
    }
    let (status, _) = send(app.request(Method::DELETE, &format!("/booking_doctor/{own}"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 2);

    let (status, body) = app.delete(&root, &format!("/booking_doctor/{own}")).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let (status, _) = app.delete(&operator, &format!("/booking_doctor/{other}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 0);

    for gone in [own.to_string(), "999999".into(), "abc".into()] {
        let (status, _) = app.delete(&root, &format!("/booking_doctor/{gone}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{gone}");
    }
    let (status, _) = app.get(&root, &format!("/booking_doctor/{own}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page) = app.get(&root, "/booking_doctor").await;
    assert_eq!(page["total_items"], 0);
    assert!(with_subject(&app, "eva@clinic.test", CANCELLED_SUBJECT).is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_visit_after_2038_is_booked_and_its_slot_still_guarded(db: MySqlPool) {
    // MySQL's TIMESTAMP ends in January 2038; visits are DATETIMEs and must not end with it.
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = doctor_on_file(&app, "karin@clinic.test", "Karin", "Berg", "Cardiology").await;
    let eva = patient_on_file(&app, "eva@clinic.test", "Eva", "Lind").await;
    let per = patient_on_file(&app, "per@clinic.test", "Per", "Holm").await;
    let (status, body) = book(&app, &root, eva, doctor, "2040-06-01T10:00:00Z").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["date_time"], "2040-06-01T10:00:00Z");
    let (status, body) = book(&app, &root, per, doctor, "2040-06-01T12:00:00+02:00").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["detail"], SLOT_TAKEN);
    let (status, body) = book(&app, &root, eva, doctor, "2041-06-01T10:00:00Z").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["detail"], ALREADY_BOOKED);
}
