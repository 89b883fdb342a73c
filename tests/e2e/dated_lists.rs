//! Visits and diagnostic bookings by date (API.md, "Lists by date"): `date_from` and `date_to`
//! as clinic dates (Stockholm, across the changes to and from summer time), the time orders,
//! `doctor_id`, and their combinations with the other filters and with a patient's own list.

use qhealth::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Person, Session, TestApp, ids, insert_doctor, insert_person, send};

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

/// A doctor on file with `specialty`, active and available for booking.
async fn doctor_on_file(app: &TestApp, email: &str, name: &str, specialty: &str) -> u64 {
    insert_doctor(&app.db, person(email, name, "Berg"), specialty).await
}

async fn post(app: &TestApp, by: &Session, path: &str, body: Value) -> Value {
    let (status, answer) = send(app.as_user(by, Method::POST, path).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "POST {path} {body}: {answer}");
    answer
}

/// The ids of `path`'s page as `session` reads it, and its total (asserting a 200).
async fn listed(app: &TestApp, session: &Session, path: &str) -> (Vec<u64>, u64) {
    let (status, page) = app.get(session, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    (ids(&page), page["total_items"].as_u64().unwrap())
}

/// Every bad value is a 400 naming its parameter.
async fn refused(app: &TestApp, session: &Session, path: &str, cases: &[(&str, &str)]) {
    for (query, parameter) in cases {
        let (status, body) = app.get(session, &format!("{path}?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(body["errors"][parameter][0].is_string(), "{query}: {body}");
        assert_eq!(body["detail"], "Invalid data.", "{query}");
    }
}

/// The visits of the clinic below: (local time, doctor, patient), booked in this order, so
/// that their ids do not follow their times. Around the spring change of 2027 (Sunday 28
/// March, 02:00 → 03:00 in Stockholm), 28 March is a clinic date of 23 hours: from 23:00 UTC
/// on the 27th to 22:00 UTC on the 28th.
const VISITS: [(&str, usize, usize); 9] = [
    ("2027-03-30T10:00", 0, 0), // v0: 08:00Z on the 30th
    ("2027-03-28T09:00", 1, 1), // v1: 07:00Z on the 28th
    ("2027-03-28T00:30", 0, 2), // v2: 23:30Z on the 27th, yet the 28th in Stockholm
    ("2027-03-27T23:30", 1, 3), // v3: 22:30Z on the 27th, the 27th
    ("2027-03-29T00:30", 0, 4), // v4: 22:30Z on the 28th, yet the 29th in Stockholm
    ("2027-03-28T23:30", 0, 5), // v5: 21:30Z on the 28th, the 28th (cancelled)
    ("2027-03-30T10:00", 1, 6), // v6: the same time as v0, with the other doctor
    ("2027-04-02T10:00", 1, 7), // v7
    ("2027-03-28T15:00", 1, 8), // v8: the patient who signs in: Eva's
];

struct Visits {
    root: Session,
    eva: Session,
    doctors: [u64; 2],
    v: Vec<u64>,
}

async fn clinic_with_visits(app: &TestApp) -> Visits {
    let root = app.superuser().await;
    let doctors = [
        doctor_on_file(app, "karin@clinic.test", "Karin", "Cardiology").await,
        doctor_on_file(app, "nils@clinic.test", "Nils", "Dermatology").await,
    ];
    let eva = app.patient_named("eva@clinic.test", "Eva", "Lind").await;
    let mut patients = Vec::new();
    for n in 0..8 {
        let surname = if n % 2 == 0 { "Holm" } else { "Lindqvist" };
        let email = format!("p{n}@clinic.test");
        patients.push(insert_person(&app.db, person(&email, "Per", surname)).await);
    }
    patients.push(eva.id);
    let mut v = Vec::new();
    for (when, doctor, patient) in VISITS {
        let body =
            json!({"user_id": patients[patient], "doctor_id": doctors[doctor], "date_time": when});
        v.push(post(app, &root, "/booking_doctor", body).await["id"].as_u64().unwrap());
    }
    let (status, _) =
        app.patch(&root, &format!("/booking_doctor/cancelled/{}", v[5]), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    Visits { root, eva, doctors, v }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn visits_by_clinic_date_in_either_time_order(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let Visits { root, doctors: [karin, nils], v, .. } = clinic_with_visits(&app).await;
    let by_time = vec![v[3], v[2], v[1], v[8], v[5], v[4], v[0], v[6], v[7]];
    let latest_first: Vec<u64> = by_time.iter().rev().copied().collect();
    let cases: Vec<(String, Vec<u64>)> = vec![
        // The 23-hour day, in id order (the default) and by time.
        ("date_from=2027-03-28&date_to=2027-03-28".into(), vec![v[1], v[2], v[5], v[8]]),
        (
            "date_from=2027-03-28&date_to=2027-03-28&order=date_time".into(),
            vec![v[2], v[1], v[8], v[5]],
        ),
        (
            "date_from=2027-03-28&date_to=2027-03-28&order=-date_time".into(),
            vec![v[5], v[8], v[1], v[2]],
        ),
        ("date_to=2027-03-27".into(), vec![v[3]]),
        ("date_from=2027-03-29&order=date_time".into(), vec![v[4], v[0], v[6], v[7]]),
        ("date_from=2027-03-29&date_to=2027-03-30&order=-id".into(), vec![v[6], v[4], v[0]]),
        ("date_from=2027-04-03".into(), vec![]),
        ("date_to=2027-03-26".into(), vec![]),
        // Ties by id, in the order's direction.
        ("order=date_time".into(), by_time.clone()),
        ("order=-date_time".into(), latest_first.clone()),
        // A doctor's visits, and a doctor's day.
        (format!("doctor_id={karin}"), vec![v[0], v[2], v[4], v[5]]),
        (format!("doctor_id={nils}&order=-date_time"), vec![v[7], v[6], v[8], v[1], v[3]]),
        (
            format!("doctor_id={karin}&date_from=2027-03-28&date_to=2027-03-28&order=date_time"),
            vec![v[2], v[5]],
        ),
        ("doctor_id=999999".into(), vec![]),
        // With the other filters.
        (
            "status=booked&date_from=2027-03-28&date_to=2027-03-28&order=date_time".into(),
            vec![v[2], v[1], v[8]],
        ),
        ("status=cancelled&order=-date_time".into(), vec![v[5]]),
        (format!("status=booked&doctor_id={karin}&order=-date_time"), vec![v[0], v[4], v[2]]),
        ("patient_surname=lindqvist&order=date_time".into(), vec![v[3], v[1], v[5], v[7]]),
        ("patient_surname=holm&date_from=2027-03-28&date_to=2027-03-29".into(), vec![v[2], v[4]]),
        (
            "specialty=derma&date_from=2027-03-28&order=-date_time".into(),
            vec![v[7], v[6], v[8], v[1]],
        ),
        (
            "specialty=cardio&patient_name=per&date_to=2027-03-29&status=booked&order=date_time"
                .into(),
            vec![v[2], v[4]],
        ),
        (
            format!("doctor_id={nils}&patient_surname=lind&date_to=2027-03-28"),
            vec![v[1], v[3], v[8]],
        ),
    ];
    for (query, expected) in &cases {
        let (found, total) = listed(&app, &root, &format!("/booking_doctor?size=25&{query}")).await;
        assert_eq!(&found, expected, "{query}");
        assert_eq!(total, expected.len() as u64, "{query}");
    }

    // Pages: the second of three visits each, either way; past the last, 404.
    let (page, total) = listed(&app, &root, "/booking_doctor?order=date_time&size=3&page=2").await;
    assert_eq!((page, total), (by_time[3..6].to_vec(), 9));
    let (page, _) = listed(&app, &root, "/booking_doctor?order=-date_time&size=3&page=2").await;
    assert_eq!(page, latest_first[3..6]);
    let (page, _) = listed(&app, &root, "/booking_doctor?order=-date_time&size=4&page=3").await;
    assert_eq!(page, latest_first[8..]);
    let day = "date_from=2027-03-28&date_to=2027-03-28";
    let (page, total) =
        listed(&app, &root, &format!("/booking_doctor?{day}&order=date_time&size=3&page=2")).await;
    assert_eq!((page, total), (vec![v[5]], 4));
    let (page, _) =
        listed(&app, &root, &format!("/booking_doctor?{day}&order=-date_time&size=3&page=2")).await;
    assert_eq!(page, [v[2]]);
    let (page, _) = listed(&app, &root, &format!("/booking_doctor?{day}&size=2&page=2")).await;
    assert_eq!(page, [v[5], v[8]]);
    let (status, body) =
        app.get(&root, &format!("/booking_doctor?{day}&order=date_time&size=2&page=3")).await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::NOT_FOUND, Some("Invalid page.")));
    let (status, _) = app.get(&root, "/booking_doctor?date_from=2027-05-01&page=2").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A page by date shows each visit exactly as the visit itself reads.
    let (_, page) = app.get(&root, "/booking_doctor?order=-date_time&size=25").await;
    for visit in page["data"].as_array().unwrap() {
        let (_, one) = app.get(&root, &format!("/booking_doctor/{}", visit["id"])).await;
        assert_eq!(visit, &one);
    }

    // Totals follow new visits and cancellations.
    let patient = insert_person(&app.db, person("late@clinic.test", "Lo", "Holm")).await;
    let body = json!({"user_id": patient, "doctor_id": karin, "date_time": "2027-03-28T12:00"});
    let late = post(&app, &root, "/booking_doctor", body).await["id"].as_u64().unwrap();
    let (found, total) =
        listed(&app, &root, &format!("/booking_doctor?{day}&order=date_time&status=booked")).await;
    assert_eq!((found, total), (vec![v[2], v[1], late, v[8]], 4));
    app.patch(&root, &format!("/booking_doctor/cancelled/{late}"), json!({})).await;
    let (_, total) = listed(&app, &root, &format!("/booking_doctor?{day}&status=booked")).await;
    assert_eq!(total, 3);
    let (_, total) = listed(&app, &root, &format!("/booking_doctor?{day}&status=cancelled")).await;
    assert_eq!(total, 2);
    let (status, _) = app.delete(&root, &format!("/booking_doctor/{late}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, total) = listed(&app, &root, &format!("/booking_doctor?{day}")).await;
    assert_eq!(total, 4);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_doctor_s_day_and_a_patient_s_own_visits_by_date(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let Visits { root, eva, doctors: [karin, nils], v } = clinic_with_visits(&app).await;
    // Eva's second visit, with Karin, two days later.
    let body = json!({"user_id": eva.id, "doctor_id": karin, "date_time": "2027-03-30T14:00"});
    let second = post(&app, &root, "/booking_doctor", body).await["id"].as_u64().unwrap();
    for (query, expected) in [
        ("order=-date_time", vec![second, v[8]]),
        ("order=date_time", vec![v[8], second]),
        ("date_from=2027-03-29", vec![second]),
        ("date_from=2027-03-28&date_to=2027-03-28&order=date_time", vec![v[8]]),
        (&format!("doctor_id={nils}") as &str, vec![v[8]]),
        (&format!("doctor_id={karin}&date_to=2027-03-29"), vec![]),
        ("status=booked&order=-date_time&date_to=2027-03-30", vec![second, v[8]]),
        ("patient_surname=holm&order=date_time", vec![]),
    ] {
        let (found, total) = listed(&app, &eva, &format!("/booking_doctor?{query}")).await;
        assert_eq!(found, expected, "Eva: {query}");
        assert_eq!(total, expected.len() as u64, "Eva: {query}");
    }
    let (page, _) = listed(&app, &eva, "/booking_doctor?order=-date_time&size=1&page=2").await;
    assert_eq!(page, [v[8]]);

    // A doctor signed in reads their own day.
    let doctor = app.staff("doc@clinic.test", Role::Doctor).await;
    for when in ["2027-03-28T16:00", "2027-03-28T08:00", "2027-03-29T08:00"] {
        let patient =
            insert_person(&app.db, person(&format!("{when}@clinic.test"), "Ada", "Ek")).await;
        let body = json!({"user_id": patient, "doctor_id": doctor.id, "date_time": when});
        post(&app, &root, "/booking_doctor", body).await;
    }
    let today =
        format!("date_from=2027-03-28&date_to=2027-03-28&doctor_id={}&order=date_time", doctor.id);
    let (status, page) = app.get(&doctor, &format!("/booking_doctor?{today}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let times: Vec<&str> =
        page["data"].as_array().unwrap().iter().map(|v| v["date_time"].as_str().unwrap()).collect();
    assert_eq!(times, ["2027-03-28T06:00:00Z", "2027-03-28T14:00:00Z"]);
    assert_eq!(page["total_items"], 2);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn malformed_dates_doctors_and_orders_are_400s_naming_the_parameter(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let cases = [
        ("date_from=2027-02-30", "date_from"),
        ("date_from=28/03/2027", "date_from"),
        ("date_from=2027-03-28T00:00", "date_from"),
        ("date_to=soon", "date_to"),
        ("date_to=10000-01-01", "date_to"),
        ("date_from=2027-03-29&date_to=2027-03-28", "date_to"),
        ("order=datetime", "order"),
        ("order=-date_time,id", "order"),
    ];
    refused(&app, &root, "/booking_doctor", &cases).await;
    refused(
        &app,
        &root,
        "/booking_doctor",
        &[
            ("doctor_id=0", "doctor_id"),
            ("doctor_id=-4", "doctor_id"),
            ("doctor_id=karin", "doctor_id"),
            ("doctor_id=1.5", "doctor_id"),
        ],
    )
    .await;
    refused(&app, &root, "/booking_diagnostic", &cases).await;
    // Far dates are dates: nothing is booked then.
    for query in [
        "date_from=1000-01-01&date_to=1999-12-31",
        "date_from=9999-12-31",
        "date_to=1000-01-01&order=-date_time",
    ] {
        for path in ["/booking_doctor", "/booking_diagnostic"] {
            let (found, total) = listed(&app, &root, &format!("{path}?{query}")).await;
            assert_eq!((found, total), (vec![], 0), "{path}?{query}");
        }
    }
}

/// Bookings on either side of the autumn change of 2027 (Sunday 31 October, 03:00 → 02:00 in
/// Stockholm: a clinic date of 25 hours, from 22:00 UTC on the 30th to 23:00 UTC on the 31st),
/// and requests still waiting for a time.
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn bookings_by_date_with_the_untimed_last_or_first(db: sqlx::MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let eva = app.patient_named("eva@clinic.test", "Eva", "Lind").await;
    let asa = app.patient_named("asa@clinic.test", "Åsa", "Öberg").await;
    let mut modalities = Vec::new();
    for name in ["MRI, knee", "CT", "X-ray"] {
        modalities.push(
            post(&app, &root, "/diagnostics", json!({"modality": name})).await["id"]
                .as_u64()
                .unwrap(),
        );
    }
    let book = |patient: u64, modality: usize, when: Option<&str>| {
        let (app, operator) = (&app, &operator);
        let body =
            json!({"user_id": patient, "diagnostics_id": modalities[modality], "date_time": when});
        async move { post(app, operator, "/booking_diagnostic", body).await["id"].as_u64().unwrap() }
    };
    let b0 = book(eva.id, 0, Some("2027-10-31T23:30")).await; // 22:30Z on the 31st: the 31st
    // Åsa asks for one herself: no time.
    let untimed_asa = post(
        &app,
        &asa,
        "/booking_diagnostic",
        json!({"diagnostics_id": modalities[0]}),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    let b1 = book(eva.id, 1, Some("2027-10-30T23:30")).await; // 21:30Z on the 30th: the 30th
    let b2 = book(asa.id, 1, Some("2027-10-31T00:30")).await; // 22:30Z on the 30th: the 31st
    let untimed_eva = post(
        &app,
        &eva,
        "/booking_diagnostic",
        json!({"diagnostics_id": modalities[2]}),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    let b3 = book(asa.id, 2, Some("2027-11-01T00:30")).await; // 23:30Z on the 31st: 1 November

    let by_time = vec![b1, b2, b0, b3, untimed_asa, untimed_eva];
    let newest_first = vec![untimed_eva, untimed_asa, b3, b0, b2, b1];
    for (query, expected) in [
        ("order=date_time", by_time.clone()),
        ("order=-date_time", newest_first.clone()),
        ("date_from=2027-10-31&date_to=2027-10-31", vec![b0, b2]),
        ("date_from=2027-10-31&date_to=2027-10-31&order=date_time", vec![b2, b0]),
        ("date_from=2027-10-31&order=-date_time", vec![b3, b0, b2]),
        ("date_to=2027-10-30", vec![b1]),
        ("date_from=2027-10-01", vec![b0, b1, b2, b3]),
        ("diagnostic_service=ct&order=-date_time", vec![b2, b1]),
        ("diagnostic_service=mri&order=date_time", vec![b0, untimed_asa]),
        ("patient_name=asa&order=-date_time", vec![untimed_asa, b3, b2]),
        ("patient_name=asa&date_to=2027-10-31", vec![b2]),
        // However wide, a range is a date filter: the requests without a time stay out.
        ("date_from=1990-01-01&order=date_time", by_time[..4].to_vec()),
        ("date_to=9999-12-31", vec![b0, b1, b2, b3]),
        ("date_from=1990-01-01&patient_name=asa&order=date_time", vec![b2, b3]),
    ] {
        let (found, total) =
            listed(&app, &operator, &format!("/booking_diagnostic?size=25&{query}")).await;
        assert_eq!(found, expected, "{query}");
        assert_eq!(total, expected.len() as u64, "{query}");
    }
    // Pages across the untimed requests' edge, either way.
    for (query, expected) in [
        ("order=date_time&size=4&page=2", &by_time[4..]),
        ("order=date_time&size=3&page=2", &by_time[3..]),
        ("order=-date_time&size=4&page=1", &newest_first[..4]),
        ("order=-date_time&size=1&page=2", &newest_first[1..2]),
        ("order=-date_time&size=4&page=2", &newest_first[4..]),
    ] {
        let (found, total) = listed(&app, &operator, &format!("/booking_diagnostic?{query}")).await;
        assert_eq!((found.as_slice(), total), (expected, 6), "{query}");
    }
    let (status, _) =
        app.get(&operator, "/booking_diagnostic?order=-date_time&size=3&page=3").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A patient's own, in either time order, by date.
    for (query, expected) in [
        ("order=date_time", vec![b2, b3, untimed_asa]),
        ("order=-date_time", vec![untimed_asa, b3, b2]),
        ("date_from=2027-10-31&date_to=2027-10-31", vec![b2]),
        ("order=-date_time&size=2&page=2", vec![b2]),
    ] {
        let (found, _) = listed(&app, &asa, &format!("/booking_diagnostic?{query}")).await;
        assert_eq!(found, expected, "Åsa: {query}");
    }

    // Given a time, a request moves from the end of the list into its day; moved, it follows.
    let path = format!("/booking_diagnostic/{untimed_asa}");
    let (status, _) = app.patch(&operator, &path, json!({"date_time": "2027-10-31T12:00"})).await;
    assert_eq!(status, StatusCode::OK);
    let (found, total) = listed(
        &app,
        &operator,
        "/booking_diagnostic?date_from=2027-10-31&date_to=2027-10-31&order=date_time",
    )
    .await;
    assert_eq!((found, total), (vec![b2, untimed_asa, b0], 3));
    let (found, _) = listed(&app, &operator, "/booking_diagnostic?order=date_time&size=25").await;
    assert_eq!(found, [b1, b2, untimed_asa, b0, b3, untimed_eva]);
    app.patch(&operator, &path, json!({"date_time": "2027-10-30T12:00"})).await;
    let (_, total) =
        listed(&app, &operator, "/booking_diagnostic?date_from=2027-10-31&date_to=2027-10-31")
            .await;
    assert_eq!(total, 2);
    let (found, _) =
        listed(&app, &operator, "/booking_diagnostic?date_to=2027-10-30&order=-date_time").await;
    assert_eq!(found, [b1, untimed_asa]);
    let (status, _) = app.delete(&operator, &format!("/booking_diagnostic/{b1}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (found, total) =
        listed(&app, &operator, "/booking_diagnostic?order=-date_time&size=25").await;
    assert_eq!((found, total), (vec![untimed_eva, b3, b0, b2, untimed_asa], 5));
}
