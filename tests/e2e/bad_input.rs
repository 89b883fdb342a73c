//! Whatever arrives, the answer is a clear 4xx with a JSON `detail`: never a 500, never a panic.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{PASSWORD, TestApp, count, profile, send};

const INJECTION: &str = "'; DROP TABLE users; --";

/// Every endpoint of /api/auth and /api/users that takes a body or a path parameter.
fn endpoints(user_id: u64) -> Vec<(Method, String)> {
    let id = user_id.to_string();
    vec![
        (Method::POST, "/auth".into()),
        (Method::POST, "/auth/refresh".into()),
        (Method::POST, "/auth/logout".into()),
        (Method::POST, "/auth/recovery".into()),
        (Method::PATCH, "/auth/activate/x.y.z".into()),
        (Method::POST, "/auth/recovery_password/x.y.z".into()),
        (Method::POST, "/users".into()),
        (Method::PATCH, format!("/users/{id}")),
        (Method::PATCH, format!("/users/{id}/block")),
        (Method::PATCH, format!("/users/{id}/unblock")),
        (Method::PATCH, format!("/users/{id}/create_admin")),
        (Method::PATCH, format!("/users/{id}/revoke_admin")),
        (Method::DELETE, "/users/abc".into()),
        (Method::GET, "/users/verify_email/x.y.z".into()),
    ]
}

fn huge() -> String {
    "Å".repeat(10_000)
}

fn bad_bodies() -> Vec<Value> {
    vec![
        json!([1, 2, 3]),
        json!("just text"),
        json!(42),
        json!(null),
        json!({"email": 5, "password": [], "refresh": {}, "profile": "none"}),
        json!({"email": huge(), "password": huge(), "refresh": huge(), "profile": {"name": huge(), "surname": huge(), "phone_number": huge(), "date_of_birth": huge(), "height": 1e300, "weight": -1, "gender": huge(), "house": huge(), "city": huge()}}),
        json!({"email": INJECTION, "password": INJECTION, "refresh": INJECTION, "profile": {"name": INJECTION, "city": INJECTION, "date_of_birth": INJECTION}}),
        json!({"profile": {"date_of_birth": "1985-02-30", "height": "170", "weight": 60.5, "gender": true}}),
    ]
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn no_input_makes_the_server_fail(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let eva = app.patient("eva@clinic.test").await;
    for (method, path) in endpoints(eva.id) {
        let mut attempts: Vec<reqwest::RequestBuilder> = bad_bodies()
            .into_iter()
            .map(|body| app.as_user(&root, method.clone(), &path).json(&body))
            .collect();
        for raw in ["{not json", "\u{0}\u{1}", "{\"email\": \"a\"", "[", "{}}"] {
            attempts.push(
                app.as_user(&root, method.clone(), &path)
                    .header("content-type", "application/json")
                    .body(raw),
            );
        }
        for request in attempts {
            let response = request.send().await.unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            assert!(
                status.is_client_error() || status.is_success(),
                "{method} {path} answered {status}: {text}"
            );
            if status.is_client_error() {
                let body: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {text}"));
                assert!(body["detail"].is_string(), "{method} {path}: {text}");
            }
        }
    }
    // Nothing odd was stored on the way.
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM users").await, 2);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn malformed_json_is_named_as_such(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (status, body) = send(
        app.request(Method::POST, "/users")
            .header("content-type", "application/json")
            .body("{\"email\": "),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"detail": "Invalid request format."}));
    let (status, body) = app.post_anonymous("/users", json!(["a list"])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"detail": "Invalid request format."}));
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn unknown_fields_are_ignored_and_oversized_bodies_refused(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (status, body) = app
        .post_anonymous(
            "/users",
            json!({"email": "eva@clinic.test", "password": PASSWORD, "profile": profile("Eva", "Lind"),
                   "is_superuser": true, "is_staff": true, "is_active": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (body["is_superuser"].as_bool(), body["is_staff"].as_bool(), body["is_active"].as_bool()),
        (Some(false), Some(false), Some(false))
    );

    let (status, body) = send(
        app.request(Method::POST, "/auth")
            .header("content-type", "application/json")
            .body(format!("{{\"email\": \"{}\"}}", "a".repeat(1024 * 1024))),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["detail"].is_string());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn sql_in_input_is_only_ever_data(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    // As a password: valid (upper, lower, digit, symbol) and kept exactly.
    let password = format!("{INJECTION}Aa1");
    let (status, _) = app
        .post_anonymous("/users", json!({"email": "eva@clinic.test", "password": password, "profile": profile("Eva", "Lind")}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    app.activate("eva@clinic.test").await;
    let (status, _) = app.login("eva@clinic.test", &password).await;
    assert_eq!(status, StatusCode::OK);
    // As a login e-mail: refused, and stored verbatim in the login history.
    let (status, _) = app.login(INJECTION, PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let recorded: String =
        sqlx::query_scalar("SELECT email FROM login_attempts ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(recorded, INJECTION);
    // As a filter: matches nothing.
    let (status, page) =
        app.get(&root, &format!("/users?icontains_name={}", urlencode(INJECTION))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total_items"], 0);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM users").await, 2);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn names_in_any_alphabet_are_welcome(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    for (n, (name, surname)) in
        [("Åsa", "Öberg"), ("Zoë", "D'Arcy-Smith"), ("Ирина", "Петрова"), ("Σοφία", "Παππά")]
            .into_iter()
            .enumerate()
    {
        let user = app.register(&format!("p{n}@clinic.test"), profile(name, surname)).await;
        assert_eq!(user["profile"]["name"], name);
        assert_eq!(user["profile"]["surname"], surname);
    }
    let (_, page) = app.get(&root, "/users?icontains_surname=oberg").await;
    assert_eq!(page["data"][0]["profile"]["surname"], "Öberg");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn unknown_paths_and_methods_answer_in_json(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (status, body) = send(app.request(Method::GET, "/nothing/here")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"], "Not found.");
    let (status, body) = send(app.request(Method::DELETE, "/users")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["detail"], "Method not allowed.");
    let (status, body) = send(app.request(Method::GET, "/auth")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(body["detail"].is_string());
    let (status, body) = send(app.request(Method::GET, "/health")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok"}));
    // Answers hold tokens and personal data: nobody may keep a copy.
    let response = app.request(Method::POST, "/auth").send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.headers().contains_key("x-request-id"));
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn extreme_query_values_are_answered_sensibly(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let cases = [
        ("page=18446744073709551615", StatusCode::NOT_FOUND),
        ("page=18446744073709551616", StatusCode::BAD_REQUEST),
        ("size=18446744073709551615", StatusCode::OK),
        ("min_age=4294967295", StatusCode::OK),
        ("max_age=4294967295", StatusCode::OK),
        ("min_age=100000&max_age=100000", StatusCode::OK),
        ("date_of_birth=%2B10000-01-01", StatusCode::BAD_REQUEST),
        ("date_of_birth=0000-01-01", StatusCode::BAD_REQUEST),
        ("date_of_birth=0999-12-31", StatusCode::BAD_REQUEST),
        ("icontains_name=%00%FF", StatusCode::OK),
        ("gender=Male%00", StatusCode::BAD_REQUEST),
    ];
    for (query, expected) in cases {
        let (status, body) = app.get(&root, &format!("/users?{query}")).await;
        assert_eq!(status, expected, "{query}: {body}");
    }
    app.patient("eva@clinic.test").await;
    let (_, page) = app.get(&root, "/users?min_age=4294967295").await;
    assert_eq!(page["total_items"], 0, "nobody is that old");
    let (_, page) = app.get(&root, "/users?max_age=4294967295").await;
    assert_eq!(page["total_items"], 1, "everyone with a date of birth is younger");
}

/// Every clinic endpoint that takes a body, an id or a filter, with ids of real objects (so
/// the body, not a missing object, decides the answer).
fn clinic_endpoints(objects: &ClinicObjects) -> Vec<(Method, String)> {
    let ClinicObjects { diagnostic, booking, visit, journal, prescription, role } = objects;
    vec![
        (Method::POST, "/roles".into()),
        (Method::PATCH, format!("/roles/block_staff_doctor/{role}")),
        (Method::POST, "/diagnostics".into()),
        (Method::PATCH, format!("/diagnostics/{diagnostic}")),
        (Method::POST, "/booking_diagnostic".into()),
        (Method::PATCH, format!("/booking_diagnostic/{booking}")),
        (Method::POST, "/booking_doctor".into()),
        (Method::PATCH, format!("/booking_doctor/cancelled/{visit}")),
        (Method::POST, "/patient_card".into()),
        (Method::POST, "/patient_recipe".into()),
        (Method::GET, format!("/patient_card/{journal}abc")),
        (Method::GET, format!("/patient_recipe/{prescription}%00")),
        (Method::DELETE, "/security/-1".into()),
        (Method::GET, "/booking_doctor/99999999999999999999999".into()),
    ]
}

struct ClinicObjects {
    diagnostic: u64,
    booking: u64,
    visit: u64,
    journal: u64,
    prescription: u64,
    role: u64,
}

fn injection_body() -> Value {
    json!({"user_id": INJECTION, "doctor_id": INJECTION, "diagnostics_id": INJECTION,
        "date_time": INJECTION, "modality": INJECTION, "role": INJECTION})
}

fn bad_clinic_bodies() -> Vec<Value> {
    let wrong_types = json!({"user_id": "1", "doctor_id": [1], "diagnostics_id": {"id": 1},
        "date_time": 20261201, "modality": 7, "diagnosis": false, "description": [],
        "planning": {}, "recipe": 1.5, "role": 3, "specialty": [], "user": "x"});
    let extremes = json!({"user_id": 1e300, "doctor_id": -1, "diagnostics_id": 18446744073709551615u64,
        "date_time": huge(), "modality": huge(), "diagnosis": huge(), "recipe": huge(),
        "role": huge(), "specialty": huge(), "user": {"email": huge(), "profile": {"name": huge()}}});
    let injection = injection_body();
    let mut bodies = vec![json!([1]), json!("text"), json!(null), wrong_types, extremes, injection];
    for date_time in [
        "",
        "2026-02-30T09:00",
        "2026-12-01T24:00",
        "2026-12-01T09:00+25:00",
        "+275760-09-13T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "2026-11-26T10:59:59Z",
        "9999-12-31T23:59:59.999999999-14:00",
        "2026-11-01T09:00:00.1234567891234Z",
    ] {
        bodies.push(
            json!({"user_id": 1, "doctor_id": 1, "diagnostics_id": 1, "date_time": date_time}),
        );
    }
    bodies
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn no_clinic_input_makes_the_server_fail(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = app.staff("doctor@clinic.test", qhealth::access::Role::Doctor).await;
    let eva = app.patient("eva@clinic.test").await;
    let created = |(status, body): (StatusCode, Value)| {
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_u64().unwrap()
    };
    let post =
        |path: &'static str, body: Value| send(app.as_user(&root, Method::POST, path).json(&body));
    let diagnostic = created(post("/diagnostics", json!({"modality": "MRI"})).await);
    let booking =
        json!({"user_id": eva.id, "diagnostics_id": diagnostic, "date_time": "2026-12-01T09:00"});
    let booking = created(post("/booking_diagnostic", booking).await);
    let visit = json!({"user_id": eva.id, "doctor_id": doctor.id, "date_time": "2026-12-01T09:00"});
    let visit = created(post("/booking_doctor", visit).await);
    let entry = json!({"user_id": eva.id, "diagnosis": "X", "description": "X", "planning": "X"});
    let journal = created(post("/patient_card", entry).await);
    let recipe = json!({"user_id": eva.id, "recipe": "X", "description": "X"});
    let prescription = created(post("/patient_recipe", recipe).await);
    let role = sqlx::query_scalar("SELECT id FROM roles").fetch_one(&app.db).await.unwrap();
    let objects = ClinicObjects { diagnostic, booking, visit, journal, prescription, role };
    // Modalities are free text: SQL in a name is a (strange) name, stored as typed.
    let tables = "SELECT (SELECT COUNT(*) FROM roles) + (SELECT COUNT(*) FROM diagnostic_bookings) + (SELECT COUNT(*) FROM doctor_visits) \
        + (SELECT COUNT(*) FROM patient_cards) + (SELECT COUNT(*) FROM patient_recipes)";
    let before = count(&app.db, tables).await;

    for (method, path) in clinic_endpoints(&objects) {
        for (n, body) in bad_clinic_bodies().into_iter().enumerate() {
            let (status, answer) =
                send(app.as_user(&root, method.clone(), &path).json(&body)).await;
            // Cancelling and blocking read no body; a modality may be any text.
            let takes_no_body =
                path.starts_with("/booking_doctor/cancelled") || path.contains("block");
            let names_a_modality = path.starts_with("/diagnostics") && body == injection_body();
            assert!(
                status.is_client_error()
                    || ((takes_no_body || names_a_modality) && status.is_success()),
                "{method} {path} with body #{n} answered {status}: {answer}"
            );
            if status.is_client_error() {
                assert!(answer["detail"].is_string(), "{method} {path} #{n}: {answer}");
            }
        }
    }
    assert_eq!(count(&app.db, tables).await, before, "nothing was stored from bad input");
    let stored: String = sqlx::query_scalar("SELECT modality FROM diagnostics WHERE id > ?")
        .bind(diagnostic)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, INJECTION, "stored verbatim");

    for list in [
        "/roles",
        "/roles/doctor_list",
        "/diagnostics",
        "/booking_diagnostic",
        "/booking_doctor",
        "/patient_card",
        "/patient_recipe",
        "/security",
    ] {
        for query in ["order=name", "order=%00", "size=0", "page=-1", "status=maybe", "success=2"] {
            let (status, answer) = app.get(&root, &format!("{list}?{query}")).await;
            let ignored = status == StatusCode::OK; // a filter this list does not have
            assert!(
                status == StatusCode::BAD_REQUEST || ignored,
                "{list}?{query}: {status} {answer}"
            );
        }
        if list == "/security" {
            continue; // no text filters
        }
        // Were it pasted into SQL, this would match every row.
        let query = format!(
            "modality={0}&patient_name={0}&icontains_name={0}&specialty={0}",
            urlencode("x%' OR '1'='1")
        );
        let (status, answer) = app.get(&root, &format!("{list}?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{list}: {answer}");
        assert_eq!(answer["total_items"], 0, "{list}: {answer}");
    }
}
