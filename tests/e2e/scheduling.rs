//! Scheduling: visit lengths, overlaps under concurrency, working hours, free slots, and the
//! days the clocks change (API.md, "Scheduling").

use futures_util::future::join_all;
use qhealth::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Person, Session, TestApp, count, insert_doctor, insert_person, send};

const DOCTOR_BUSY: &str =
    "This doctor already has a visit booked at this time. Choose another time.";
const PATIENT_BUSY: &str =
    "This patient already has a visit booked at this time. Choose another time.";
const OUTSIDE_HOURS: &str =
    "This time is outside the doctor's working hours. Choose one of the free times.";
const ABSENT: &str = "The doctor is away at this time. Choose another time or doctor.";

/// Monday 7 December 2026 in Stockholm (CET, UTC+1): eleven days after the tests start.
const MONDAY: &str = "2026-12-07";

fn person(email: &str) -> Person<'_> {
    Person {
        email,
        name: "Åsa",
        surname: "Öberg",
        date_of_birth: "1980-05-05",
        city: "Lund",
        country: "Sweden",
        gender: "Female",
    }
}

async fn patient_on_file(app: &TestApp, email: &str) -> u64 {
    insert_person(&app.db, person(email)).await
}

async fn doctor_on_file(app: &TestApp, email: &str, specialty: &str) -> u64 {
    insert_doctor(&app.db, person(email), specialty).await
}

async fn book(app: &TestApp, by: &Session, body: Value) -> (StatusCode, Value) {
    send(app.as_user(by, Method::POST, "/booking_doctor").json(&body)).await
}

async fn put_hours(app: &TestApp, by: &Session, doctor: u64, body: Value) -> (StatusCode, Value) {
    let path = format!("/booking_doctor/hours/{doctor}");
    send(app.as_user(by, Method::PUT, &path).json(&body)).await
}

async fn add_exception(
    app: &TestApp,
    by: &Session,
    doctor: u64,
    body: Value,
) -> (StatusCode, Value) {
    let path = format!("/booking_doctor/hours/{doctor}/exceptions");
    send(app.as_user(by, Method::POST, &path).json(&body)).await
}

/// Weekdays 08:00–16:00.
fn office_hours() -> Value {
    let weekly: Vec<Value> = (1..=5)
        .map(|weekday| json!({"weekday": weekday, "from": "08:00", "to": "16:00"}))
        .collect();
    json!({"weekly": weekly})
}

fn slot_starts(answer: &Value, doctor_index: usize) -> Vec<String> {
    answer["doctors"][doctor_index]["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|slot| slot["start"].as_str().unwrap().to_owned())
        .collect()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn of_twenty_parallel_overlapping_bookings_of_one_doctor_exactly_one_wins(
    db: sqlx::MySqlPool,
) {
    let app = TestApp::spawn(db).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let doctor = doctor_on_file(&app, "doc@clinic.test", "Cardiology").await;
    let mut patients = Vec::new();
    for i in 0..20 {
        patients.push(patient_on_file(&app, &format!("p{i}@mail.test")).await);
    }
    // 09:00, 09:01, ... 09:19, each 30 minutes long: every pair overlaps.
    let requests = patients.iter().enumerate().map(|(i, patient)| {
        let body = json!({"user_id": patient, "doctor_id": doctor,
                          "date_time": format!("{MONDAY}T09:{i:02}")});
        book(&app, &operator, body)
    });
    let answers = join_all(requests).await;
    let won = answers.iter().filter(|(status, _)| *status == StatusCode::CREATED).count();
    let refused: Vec<&Value> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CONFLICT)
        .map(|(_, body)| body)
        .collect();
    assert_eq!((won, refused.len()), (1, 19), "{answers:?}");
    assert!(refused.iter().all(|body| body["detail"] == DOCTOR_BUSY), "{refused:?}");
    let booked = count(&app.db, "SELECT COUNT(*) FROM doctor_visits WHERE status = 'booked'").await;
    assert_eq!(booked, 1);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn of_twenty_parallel_overlapping_bookings_of_one_patient_exactly_one_wins(
    db: sqlx::MySqlPool,
) {
    let app = TestApp::spawn(db).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let patient = patient_on_file(&app, "patient@mail.test").await;
    let mut doctors = Vec::new();
    for i in 0..20 {
        doctors.push(doctor_on_file(&app, &format!("d{i}@clinic.test"), "Cardiology").await);
    }
    let requests = doctors.iter().enumerate().map(|(i, doctor)| {
        let body = json!({"user_id": patient, "doctor_id": doctor,
                          "date_time": format!("{MONDAY}T10:{i:02}")});
        book(&app, &operator, body)
    });
    let answers = join_all(requests).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{answers:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 19, "{answers:?}");
    assert!(
        answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CONFLICT)
            .all(|(_, b)| b["detail"] == PATIENT_BUSY)
    );
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn visits_last_their_length_and_touching_ones_do_not_overlap(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let doctor = doctor_on_file(&app, "doc@clinic.test", "Cardiology").await;
    let other_doctor = doctor_on_file(&app, "doc2@clinic.test", "Cardiology").await;
    let [ann, bo, cy, di] = [
        patient_on_file(&app, "ann@mail.test").await,
        patient_on_file(&app, "bo@mail.test").await,
        patient_on_file(&app, "cy@mail.test").await,
        patient_on_file(&app, "di@mail.test").await,
    ];
    let at = |patient: u64, doctor: u64, time: &str| json!({"user_id": patient, "doctor_id": doctor, "date_time": format!("{MONDAY}T{time}")});
    let (status, first) = book(&app, &operator, at(ann, doctor, "09:00")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["duration_minutes"], 30, "the default length");
    let (status, body) = book(&app, &operator, at(bo, doctor, "09:15")).await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::CONFLICT, Some(DOCTOR_BUSY)));
    let (status, body) = book(&app, &operator, at(bo, doctor, "08:45")).await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::CONFLICT, Some(DOCTOR_BUSY)));
    let (status, body) = book(&app, &operator, at(bo, doctor, "09:30")).await;
    assert_eq!(status, StatusCode::CREATED, "a visit may start as the last one ends: {body}");
    let (status, body) = book(&app, &operator, at(cy, doctor, "08:30")).await;
    assert_eq!(status, StatusCode::CREATED, "and end as the next begins: {body}");

    let mut long = at(di, doctor, "10:00");
    long["duration_minutes"] = json!(90);
    let (status, body) = book(&app, &operator, long).await;
    assert_eq!((status, body["duration_minutes"].as_u64()), (StatusCode::CREATED, Some(90)));
    let (status, body) = book(&app, &operator, at(ann, other_doctor, "11:00")).await;
    assert_eq!(status, StatusCode::CREATED, "Ann is free at 11:00: {body}");
    let (status, body) = book(&app, &operator, at(di, other_doctor, "10:30")).await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (StatusCode::CONFLICT, Some(PATIENT_BUSY)),
        "Di's 90-minute visit runs until 11:30"
    );

    // A cancelled visit frees its time.
    let id = first["id"].as_u64().unwrap();
    let (status, _) =
        app.patch(&operator, &format!("/booking_doctor/cancelled/{id}"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let ed = patient_on_file(&app, "ed@mail.test").await;
    let (status, body) = book(&app, &operator, at(ed, doctor, "09:00")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn lengths_outside_five_minutes_to_four_hours_are_refused(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let doctor = doctor_on_file(&app, "doc@clinic.test", "Cardiology").await;
    let patient = patient_on_file(&app, "ann@mail.test").await;
    for minutes in [json!(4), json!(241), json!("30"), json!(30.5), Value::Null] {
        let body = json!({"user_id": patient, "doctor_id": doctor,
                          "date_time": format!("{MONDAY}T09:00"), "duration_minutes": minutes});
        let (status, body) = book(&app, &operator, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{minutes}: {body}");
        assert!(body["errors"]["duration_minutes"].is_array(), "{body}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn working_hours_limit_bookings_and_changes_list_the_visits_they_leave_out(
    db: sqlx::MySqlPool,
) {
    let app = TestApp::spawn(db).await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let doctor = doctor_on_file(&app, "doc@clinic.test", "Cardiology").await;
    let [ann, bo] =
        [patient_on_file(&app, "ann@mail.test").await, patient_on_file(&app, "bo@mail.test").await];
    let at = |patient: u64, date_time: &str| json!({"user_id": patient, "doctor_id": doctor, "date_time": date_time});
    // Booked before any hours were set: v1's behaviour, any time.
    let (status, early) = book(&app, &operator, at(ann, "2026-12-07T07:00")).await;
    assert_eq!(status, StatusCode::CREATED, "{early}");

    let mut hours = office_hours();
    hours["visit_minutes"] = json!(20);
    let (status, set) = put_hours(&app, &admin, doctor, hours).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["hours"]["visit_minutes"], 20);
    assert_eq!(set["hours"]["weekly"][0], json!({"weekday": 1, "from": "08:00", "to": "16:00"}));
    let conflicts = set["conflicting_visits"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "the 07:00 visit is now outside the hours: {set}");
    assert_eq!(conflicts[0]["id"], early["id"]);
    assert_eq!(conflicts[0]["patient"], json!({"id": ann, "name": "Åsa", "surname": "Öberg"}));
    let still = count(&app.db, "SELECT COUNT(*) FROM doctor_visits WHERE status = 'booked'").await;
    assert_eq!(still, 1, "never moved or cancelled");

    for (when, detail) in [
        ("2026-12-05T10:00", OUTSIDE_HOURS), // a Saturday
        ("2026-12-08T15:45", OUTSIDE_HOURS), // would end at 16:05
        ("2026-12-08T07:59", OUTSIDE_HOURS),
    ] {
        let (status, body) = book(&app, &operator, at(bo, when)).await;
        assert_eq!(
            (status, body["detail"].as_str()),
            (StatusCode::CONFLICT, Some(detail)),
            "{when}"
        );
    }
    let (status, visit) = book(&app, &operator, at(bo, "2026-12-08T15:40")).await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    assert_eq!(visit["duration_minutes"], 20, "the doctor's usual length");

    // An absence over Bo's visit lists it; booking in it is refused; removing it frees the time.
    let absence = json!({"date": "2026-12-08", "kind": "absence", "from": "12:00", "to": "16:00",
                         "note": "Course"});
    let (status, added) = add_exception(&app, &admin, doctor, absence).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["exception"]["kind"], "absence");
    let conflicts: Vec<&Value> =
        added["conflicting_visits"].as_array().unwrap().iter().map(|v| &v["id"]).collect();
    assert_eq!(
        conflicts,
        [&early["id"], &visit["id"]],
        "still the 07:00 one, and Bo's in the absence"
    );
    let cy = patient_on_file(&app, "cy@mail.test").await;
    let (status, body) = book(&app, &operator, at(cy, "2026-12-08T13:00")).await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::CONFLICT, Some(ABSENT)));
    let extra = json!({"date": "2026-12-12", "kind": "extra", "from": "09:00", "to": "12:00"});
    let (status, _) = add_exception(&app, &admin, doctor, extra).await;
    assert_eq!(status, StatusCode::CREATED);
    let di = patient_on_file(&app, "di@mail.test").await;
    let (status, body) = book(&app, &operator, at(di, "2026-12-12T09:00")).await;
    assert_eq!(status, StatusCode::CREATED, "extra hours on a Saturday: {body}");

    let (status, hours) = app.get(&operator, &format!("/booking_doctor/hours/{doctor}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hours["exceptions"].as_array().unwrap().len(), 2, "{hours}");
    let absence_id = added["exception"]["id"].as_u64().unwrap();
    let path = format!("/booking_doctor/hours/{doctor}/exceptions/{absence_id}");
    let (status, _) = app.delete(&admin, &path).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.delete(&admin, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "gone");
    let (status, body) = book(&app, &operator, at(cy, "2026-12-08T13:00")).await;
    assert_eq!(status, StatusCode::CREATED, "the absence is gone: {body}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_and_the_doctor_themself_manage_hours(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let doctor = app.staff("doc@clinic.test", Role::Doctor).await;
    let colleague = app.staff("doc2@clinic.test", Role::Doctor).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let pharmacist = app.staff("ph@clinic.test", Role::Pharmacist).await;
    let patient = app.patient("ann@mail.test").await;
    let own = format!("/booking_doctor/hours/{}", doctor.id);

    let (status, _) = put_hours(&app, &doctor, doctor.id, office_hours()).await;
    assert_eq!(status, StatusCode::OK, "a doctor sets their own");
    let (status, _) = put_hours(&app, &colleague, doctor.id, office_hours()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not a colleague's");
    let (status, _) = put_hours(&app, &operator, doctor.id, office_hours()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for reader in [&doctor, &colleague, &operator] {
        assert_eq!(app.get(reader, &own).await.0, StatusCode::OK);
    }
    for outsider in [&pharmacist, &patient] {
        assert_eq!(app.get(outsider, &own).await.0, StatusCode::FORBIDDEN);
    }
    let superuser = app.superuser().await;
    let (status, _) = app.get(&superuser, &format!("/booking_doctor/hours/{}", operator.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an operator has no hours");
    let (status, _) = put_hours(&app, &superuser, 999_999, office_hours()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for (body, field) in [
        (json!({}), "weekly"),
        (json!({"weekly": "mondays"}), "weekly"),
        (json!({"weekly": [7]}), "weekly.0"),
        (json!({"weekly": [{"weekday": 8, "from": "08:00", "to": "09:00"}]}), "weekly.0.weekday"),
        (json!({"weekly": [{"weekday": 1, "from": "8", "to": "09:00"}]}), "weekly.0.from"),
        (json!({"weekly": [{"weekday": 1, "from": "10:00", "to": "09:00"}]}), "weekly.0.to"),
        (
            json!({"weekly": [{"weekday": 1, "from": "08:00", "to": "12:00"},
                              {"weekday": 1, "from": "11:00", "to": "13:00"}]}),
            "weekly.1",
        ),
        (json!({"weekly": [], "visit_minutes": 3}), "visit_minutes"),
    ] {
        let (status, answer) = put_hours(&app, &superuser, doctor.id, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer["errors"][field].is_array(), "{body} → {answer}");
    }
    for (body, field) in [
        (json!({"date": "2026-11-25", "kind": "absence"}), "date"),
        (json!({"date": "2026-12-01", "kind": "holiday"}), "kind"),
        (json!({"date": "2026-12-01", "kind": "extra"}), "from"),
        (json!({"date": "2026-12-01", "kind": "absence", "from": "09:00"}), "to"),
        (json!({"date": "2026-12-01", "kind": "absence", "note": "x".repeat(201)}), "note"),
    ] {
        let (status, answer) = add_exception(&app, &superuser, doctor.id, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer["errors"][field].is_array(), "{body} → {answer}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn free_slots_skip_booked_times_and_cover_a_specialty(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let berg = doctor_on_file(&app, "berg@clinic.test", "Cardiology").await;
    let lind = doctor_on_file(&app, "lind@clinic.test", "cardiology").await;
    let away = doctor_on_file(&app, "away@clinic.test", "Cardiology").await;
    let other = doctor_on_file(&app, "skin@clinic.test", "Dermatology").await;
    let patient = patient_on_file(&app, "ann@mail.test").await;
    let short_day = json!({"weekly": [{"weekday": 1, "from": "09:00", "to": "11:00"}],
                           "visit_minutes": 30});
    for doctor in [berg, away, other] {
        assert_eq!(put_hours(&app, &admin, doctor, short_day.clone()).await.0, StatusCode::OK);
    }
    sqlx::query("UPDATE roles SET is_available_for_booking = FALSE WHERE user_id = ?")
        .bind(away)
        .execute(&app.db)
        .await
        .unwrap();
    let body = json!({"user_id": patient, "doctor_id": berg, "date_time": "2026-12-07T09:30"});
    assert_eq!(book(&app, &operator, body).await.0, StatusCode::CREATED);

    let path =
        format!("/booking_doctor/free_slots?doctor_id={berg}&date_from={MONDAY}&date_to={MONDAY}");
    let (status, answer) = app.get(&operator, &path).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        slot_starts(&answer, 0),
        ["2026-12-07T08:00:00Z", "2026-12-07T09:00:00Z", "2026-12-07T09:30:00Z"],
        "09:30 is booked (CET is UTC+1)"
    );
    assert_eq!(answer["doctors"][0]["slots"][0]["end"], "2026-12-07T08:30:00Z");
    let hour_long = format!("{path}&duration_minutes=60");
    let (_, answer) = app.get(&operator, &hour_long).await;
    assert_eq!(slot_starts(&answer, 0), ["2026-12-07T09:00:00Z"], "09:00 and 09:30 would overlap");

    let week = format!(
        "/booking_doctor/free_slots?specialty=CARDIOLOGY&date_from={MONDAY}&date_to=2026-12-13"
    );
    let (status, answer) = app.get(&operator, &week).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let doctors: Vec<u64> = answer["doctors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["doctor"]["id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        doctors.len(),
        2,
        "the unavailable doctor and the dermatologist are not listed: {answer}"
    );
    assert!(doctors.contains(&berg) && doctors.contains(&lind));
    let lind_index = doctors.iter().position(|d| *d == lind).unwrap();
    assert!(slot_starts(&answer, lind_index).is_empty(), "no weekly hours, no slots");

    let unavailable =
        format!("/booking_doctor/free_slots?doctor_id={away}&date_from={MONDAY}&date_to={MONDAY}");
    let (status, body) = app.get(&operator, &unavailable).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["doctor_id"].is_array(), "{body}");
    let patient_session = app.patient("bo@mail.test").await;
    assert_eq!(app.get(&patient_session, &path).await.0, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_days_the_clocks_change_have_the_slots_their_clock_times_give(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let doctor = doctor_on_file(&app, "doc@clinic.test", "Cardiology").await;
    // Sundays 01:00–05:00, hour-long visits: across 02:00–03:00, which spring skips and autumn
    // passes twice.
    let sundays = json!({"weekly": [{"weekday": 7, "from": "01:00", "to": "05:00"}],
                         "visit_minutes": 60});
    assert_eq!(put_hours(&app, &admin, doctor, sundays).await.0, StatusCode::OK);
    let slots_on = |date: &str| {
        format!("/booking_doctor/free_slots?doctor_id={doctor}&date_from={date}&date_to={date}")
    };
    let (status, spring) = app.get(&operator, &slots_on("2027-03-28")).await;
    assert_eq!(status, StatusCode::OK, "{spring}");
    assert_eq!(
        slot_starts(&spring, 0),
        ["2027-03-28T00:00:00Z", "2027-03-28T01:00:00Z", "2027-03-28T02:00:00Z"],
        "01:00 CET, then 03:00 and 04:00 CEST: three hours of work"
    );
    let (_, autumn) = app.get(&operator, &slots_on("2027-10-31")).await;
    assert_eq!(
        slot_starts(&autumn, 0),
        [
            "2027-10-30T23:00:00Z",
            "2027-10-31T00:00:00Z",
            "2027-10-31T01:00:00Z",
            "2027-10-31T02:00:00Z",
            "2027-10-31T03:00:00Z"
        ],
        "01:00 CEST, 02:00 CEST, 02:00 CET, 03:00, 04:00 CET: five hours of work"
    );

    let patient = patient_on_file(&app, "ann@mail.test").await;
    let at =
        |date_time: &str| json!({"user_id": patient, "doctor_id": doctor, "date_time": date_time});
    let (status, body) = book(&app, &operator, at("2027-03-28T02:30")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the clocks skip 02:30: {body}");
    let (status, body) = book(&app, &operator, at("2027-10-31T02:00:00+01:00")).await;
    assert_eq!(status, StatusCode::CREATED, "the second 02:00 is a working hour: {body}");
    let (_, autumn) = app.get(&operator, &slots_on("2027-10-31")).await;
    assert!(!slot_starts(&autumn, 0).contains(&"2027-10-31T01:00:00Z".to_owned()), "{autumn}");
    assert_eq!(slot_starts(&autumn, 0).len(), 4);
}
