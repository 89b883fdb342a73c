//! `/api/roles`, row by row: who may do what, creating staff members (and what they are
//! e-mailed), the staff and doctor lists, doctors' availability, and what the doctor list shows
//! to whom.

use qhealth::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{
    APP_URL, PASSWORD, Person, Session, TestApp, bump_users, count, ids, insert_person, profile,
    role_id_of, send, user_id_of,
};

/// A staff member written straight to the database (fast, for lists); their roles row id.
async fn insert_staff(
    db: &MySqlPool,
    email: &str,
    name: &str,
    surname: &str,
    role: &str,
    specialty: Option<&str>,
) -> u64 {
    let person = Person {
        email,
        name,
        surname,
        date_of_birth: "1980-04-01",
        city: "Lund",
        country: "Sverige",
        gender: "Female",
    };
    let user_id = insert_person(db, person).await;
    let role_id = sqlx::query(
        "INSERT INTO roles (user_id, role, specialty, created_at, updated_at) \
         VALUES (?, ?, ?, NOW(6), NOW(6))",
    )
    .bind(user_id)
    .bind(role)
    .bind(specialty)
    .execute(db)
    .await
    .unwrap()
    .last_insert_id();
    bump_users(db).await;
    role_id
}

fn member(role: &str, specialty: Option<&str>, email: &str, name: &str) -> Value {
    let mut body =
        json!({"role": role, "user": {"email": email, "profile": profile(name, "Berg")}});
    if let Some(specialty) = specialty {
        body["specialty"] = json!(specialty);
    }
    body
}

async fn create(app: &TestApp, session: &Session, body: &Value) -> (StatusCode, Value) {
    send(app.as_user(session, Method::POST, "/roles").json(body)).await
}

struct Clinic {
    root: Session,
    admin: Session,
    doctor: Session,
    other_doctor: Session,
    operator: Session,
    pharmacist: Session,
    patient: Session,
}

async fn clinic(app: &TestApp) -> Clinic {
    Clinic {
        root: app.superuser().await,
        admin: app.staff("admin@clinic.test", Role::Admin).await,
        doctor: app.staff("doc@clinic.test", Role::Doctor).await,
        other_doctor: app.staff("doc2@clinic.test", Role::Doctor).await,
        operator: app.staff("op@clinic.test", Role::Operator).await,
        pharmacist: app.staff("ph@clinic.test", Role::Pharmacist).await,
        patient: app.patient("pat@clinic.test").await,
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn who_may_list_create_and_read_staff_members(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = clinic(&app).await;
    let doctor_role = role_id_of(&app.db, c.doctor.id).await;
    let pharmacist_role = role_id_of(&app.db, c.pharmacist.id).await;

    for (who, expected) in [
        (&c.root, StatusCode::OK),
        (&c.admin, StatusCode::OK),
        (&c.operator, StatusCode::OK),
        (&c.doctor, StatusCode::FORBIDDEN),
        (&c.pharmacist, StatusCode::FORBIDDEN),
        (&c.patient, StatusCode::FORBIDDEN),
    ] {
        let (status, body) = app.get(who, "/roles").await;
        assert_eq!(status, expected, "{} lists staff: {body}", who.email);
        if expected == StatusCode::FORBIDDEN {
            assert_eq!(body["detail"], "You don't have access.");
        }
    }

    let roles_before = count(&app.db, "SELECT COUNT(*) FROM roles").await;
    for who in [&c.doctor, &c.operator, &c.pharmacist, &c.patient] {
        let body = member("operator", None, "new@clinic.test", "Nina");
        let (status, _) = create(&app, who, &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{} creates staff", who.email);
    }
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM roles").await, roles_before);
    for (who, email) in [(&c.root, "by-root@clinic.test"), (&c.admin, "by-admin@clinic.test")] {
        let (status, body) = create(&app, who, &member("pharmacist", None, email, "Nina")).await;
        assert_eq!(status, StatusCode::CREATED, "{} creates staff: {body}", who.email);
    }

    // Staff and operators read anyone; a staff member reads their own row; for others it does
    // not exist.
    let reads = [
        (&c.root, doctor_role, StatusCode::OK),
        (&c.admin, doctor_role, StatusCode::OK),
        (&c.operator, doctor_role, StatusCode::OK),
        (&c.doctor, doctor_role, StatusCode::OK),
        (&c.pharmacist, pharmacist_role, StatusCode::OK),
        (&c.other_doctor, doctor_role, StatusCode::NOT_FOUND),
        (&c.pharmacist, doctor_role, StatusCode::NOT_FOUND),
        (&c.patient, doctor_role, StatusCode::NOT_FOUND),
    ];
    for (who, role_id, expected) in reads {
        let (status, body) = app.get(who, &format!("/roles/{role_id}")).await;
        assert_eq!(status, expected, "{} reads role {role_id}: {body}", who.email);
        if expected == StatusCode::OK {
            assert_eq!(body["id"], role_id);
        }
    }

    let no_token = [
        (Method::GET, "/roles".to_owned()),
        (Method::POST, "/roles".to_owned()),
        (Method::GET, format!("/roles/{doctor_role}")),
        (Method::GET, "/roles/doctor_list".to_owned()),
        (Method::GET, format!("/roles/doctor_list/{doctor_role}")),
        (Method::PATCH, format!("/roles/block_staff_doctor/{doctor_role}")),
        (Method::PATCH, format!("/roles/unblock_staff_doctor/{doctor_role}")),
    ];
    for (method, path) in no_token {
        let (status, body) = send(app.request(method.clone(), &path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert!(body["detail"].is_string());
    }
    // Staff members leave with their account (DELETE /users/{id}), not here.
    let (status, _) = app.delete(&c.root, &format!("/roles/{doctor_role}")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn who_may_set_a_doctors_availability_and_read_the_doctor_list(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = clinic(&app).await;
    let doctor_role = role_id_of(&app.db, c.doctor.id).await;

    for action in ["block_staff_doctor", "unblock_staff_doctor"] {
        let path = format!("/roles/{action}/{doctor_role}");
        let refused = [
            (&c.operator, StatusCode::FORBIDDEN),
            (&c.doctor, StatusCode::FORBIDDEN),
            (&c.other_doctor, StatusCode::FORBIDDEN),
            (&c.pharmacist, StatusCode::FORBIDDEN),
            (&c.patient, StatusCode::FORBIDDEN),
        ];
        for (who, expected) in refused {
            let (status, body) = app.patch(who, &path, json!({})).await;
            assert_eq!(status, expected, "{} {action}: {body}", who.email);
        }
        let (_, role) = app.get(&c.root, &format!("/roles/{doctor_role}")).await;
        assert_eq!(role["is_available_for_booking"], true, "refusals change nothing");
    }
    for who in [&c.admin, &c.root] {
        let (status, body) =
            app.patch(who, &format!("/roles/block_staff_doctor/{doctor_role}"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", who.email);
        let (status, _) =
            app.patch(who, &format!("/roles/unblock_staff_doctor/{doctor_role}"), json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }

    for who in [&c.root, &c.admin, &c.doctor, &c.operator, &c.pharmacist, &c.patient] {
        let (status, body) = app.get(who, "/roles/doctor_list").await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", who.email);
        assert_eq!(body["total_items"], 2);
        let (status, body) = app.get(who, &format!("/roles/doctor_list/{doctor_role}")).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", who.email);
        assert_eq!(body["id"], doctor_role);
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_new_doctor_is_inactive_until_they_choose_a_password_from_the_link(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let body = json!({"role": "doctor", "specialty": "  Neurology ", "user": {
        "email": "Karin.Berg@Clinic.test", "profile": profile("Karin", "Berg")}});
    let (status, role) = create(&app, &root, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{role}");

    let email = "karin.berg@clinic.test";
    let user_id = user_id_of(&app.db, email).await;
    assert_eq!(role["id"], role_id_of(&app.db, user_id).await, "the roles row id");
    assert_eq!(role["role"], "doctor");
    assert_eq!(role["specialty"], "Neurology", "trimmed");
    assert_eq!(role["is_available_for_booking"], true);
    let user = &role["user"];
    assert_eq!(user["id"], user_id);
    assert_eq!(user["email"], email);
    assert_eq!(
        (user["is_active"].as_bool(), user["is_staff"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(user["profile"]["name"], "Karin");
    assert_eq!(user["profile"]["phone_number"], "+46701234567");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    let (_, read) = app.get(&root, &format!("/roles/{}", role["id"])).await;
    assert_eq!(read, role, "GET shows what POST answered");

    // Exactly one e-mail: the role, the specialty and an activation link.
    let emails = app.wait_for_emails(email, 1).await;
    assert_eq!(emails.len(), 1);
    let welcome = &emails[0];
    assert_eq!(welcome.subject, "Your QHealth staff account");
    for part in [&welcome.text, &welcome.html] {
        assert!(part.contains("Karin") && part.contains("doctor"), "{part}");
        assert!(part.contains("Neurology"), "{part}");
        assert!(part.contains(&format!("{APP_URL}/auth/activate/")), "{part}");
    }
    assert_eq!(
        count(&app.db, "SELECT COUNT(*) FROM email_outbox WHERE kind = 'staff_welcome'").await,
        1
    );
    let (status, _) = app.login(email, PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "inactive until activated");

    let token = app.link_token(email, "/auth/activate/");
    let path = format!("/auth/activate/{token}");
    let (status, body) = send(app.request(Method::PATCH, &path).json(&json!({}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a password must be chosen: {body}");
    assert!(body["errors"]["password"].is_array());
    let chosen = "Neuro#Karin9";
    let (status, user) =
        send(app.request(Method::PATCH, &path).json(&json!({"password": chosen}))).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["is_active"], true);

    let karin = app.session(email, chosen).await;
    let (status, me) = app.get(&karin, "/auth/qhealth_role").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "doctor");
    assert_eq!(me["role_id"], role["id"]);
    assert_eq!(me["specialty"], "Neurology");
    assert_eq!(me["name"], "Karin");
    let (status, own) = app.get(&karin, &format!("/roles/{}", role["id"])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["user"]["is_active"], true);
    assert_eq!(app.emails_to(email).len(), 1, "nothing else was sent");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_password_given_by_staff_is_never_emailed(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let password = "Operator#2026";
    let body = json!({"role": "operator", "specialty": null, "user": {
        "email": "olle@clinic.test", "password": password, "profile": profile("Olle", "Nyström")}});
    let (status, role) = create(&app, &admin, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    assert_eq!(role["role"], "operator");
    assert_eq!(role["specialty"], Value::Null);
    assert_eq!(role["user"]["is_active"], false);

    let emails = app.wait_for_emails("olle@clinic.test", 1).await;
    assert_eq!(emails.len(), 1);
    assert!(emails[0].text.contains("operator"));
    for part in [&emails[0].text, &emails[0].html, &emails[0].subject] {
        assert!(!part.contains(password), "no password by e-mail: {part}");
    }
    let (status, _) = app.login("olle@clinic.test", password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "inactive until activated");
    app.activate("olle@clinic.test").await;
    let olle = app.session("olle@clinic.test", password).await;
    let (_, me) = app.get(&olle, "/auth/qhealth_role").await;
    assert_eq!((me["role"].as_str(), me["specialty"].as_str()), (Some("operator"), None));
    let (status, _) = app.get(&olle, "/roles").await;
    assert_eq!(status, StatusCode::OK, "operators list staff");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_bad_staff_member_is_refused_field_by_field(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    app.register("taken@clinic.test", profile("Tina", "Tagen")).await;
    let users_before = count(&app.db, "SELECT COUNT(*) FROM users").await;
    let huge = "Å".repeat(10_000);
    let valid_user = json!({"email": "new@clinic.test", "profile": profile("Nina", "Ny")});

    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({"role": "doctor", "user": valid_user}), vec!["specialty"]),
        (json!({"role": "doctor", "specialty": "   ", "user": valid_user}), vec!["specialty"]),
        (json!({"role": "doctor", "specialty": null, "user": valid_user}), vec!["specialty"]),
        (
            json!({"role": "operator", "specialty": "Cardiology", "user": valid_user}),
            vec!["specialty"],
        ),
        (json!({"role": "pharmacist", "specialty": "", "user": valid_user}), vec!["specialty"]),
        (json!({"role": "nurse", "user": valid_user}), vec!["role"]),
        (json!({"role": "Doctor", "specialty": "Cardiology", "user": valid_user}), vec!["role"]),
        (json!({"user": valid_user}), vec!["role"]),
        (json!({}), vec!["role", "user"]),
        (
            json!({"role": "operator", "user": {"email": "nope", "password": "short", "profile": {
                "name": "K4rin", "surname": "", "phone_number": "123", "date_of_birth": "2015-01-01",
                "gender": "other", "height": 0, "weight": "heavy", "house": "#1", "city": "Malmö"}}}),
            vec![
                "user.email",
                "user.password",
                "user.profile.name",
                "user.profile.surname",
                "user.profile.phone_number",
                "user.profile.date_of_birth",
                "user.profile.gender",
                "user.profile.height",
                "user.profile.weight",
                "user.profile.house",
            ],
        ),
        (
            json!({"role": "operator", "user": {"profile": {}}}),
            vec![
                "user.email",
                "user.profile.name",
                "user.profile.surname",
                "user.profile.phone_number",
                "user.profile.date_of_birth",
                "user.profile.gender",
            ],
        ),
        // 10 kB strings.
        (
            json!({"role": huge, "specialty": huge, "user": {"email": huge, "password": huge,
                   "profile": {"name": huge, "surname": huge, "phone_number": huge,
                               "date_of_birth": huge, "gender": huge, "city": huge, "house": huge}}}),
            vec![
                "role",
                "specialty",
                "user.email",
                "user.password",
                "user.profile.name",
                "user.profile.surname",
                "user.profile.phone_number",
                "user.profile.date_of_birth",
                "user.profile.gender",
                "user.profile.city",
                "user.profile.house",
            ],
        ),
        (json!({"role": "doctor", "specialty": huge, "user": valid_user}), vec!["specialty"]),
        // Wrong JSON types.
        (json!({"role": 5, "specialty": 7, "user": "someone"}), vec!["role", "specialty", "user"]),
        (
            json!({"role": "doctor", "specialty": ["Cardiology"], "user": valid_user}),
            vec!["specialty"],
        ),
        (
            json!({"role": "operator", "user": {"email": 5, "password": 12345678, "profile": [1]}}),
            vec!["user.email", "user.password", "user.profile"],
        ),
        (
            json!({"role": "operator", "user": {"email": "new@clinic.test", "profile": {
                "name": true, "surname": "Ny", "phone_number": 701234567, "date_of_birth": 1985,
                "gender": "Female", "height": "170", "weight": 60.5}}}),
            vec![
                "user.profile.name",
                "user.profile.phone_number",
                "user.profile.date_of_birth",
                "user.profile.height",
                "user.profile.weight",
            ],
        ),
        // An e-mail already registered, whatever its case.
        (
            json!({"role": "operator", "user": {"email": "TAKEN@clinic.test", "profile": profile("Nina", "Ny")}}),
            vec!["user.email"],
        ),
    ];
    for (body, fields) in cases {
        let (status, answer) = create(&app, &root, &body).await;
        let shown: String = body.to_string().chars().take(160).collect();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{shown}: {answer}");
        assert_eq!(answer["detail"], "Invalid data.", "{shown}");
        let errors = answer["errors"].as_object().unwrap();
        for field in &fields {
            assert!(errors.contains_key(*field), "{field} missing for {shown}: {answer}");
        }
        assert_eq!(errors.len(), fields.len(), "only the failing fields: {answer}");
    }
    let (_, answer) = create(
        &app,
        &root,
        &json!({"role": "operator", "user": {"email": "taken@clinic.test", "profile": profile("N", "N")}}),
    )
    .await;
    assert_eq!(
        answer["errors"]["user.email"][0],
        "A user with this e-mail address already exists."
    );

    for raw in ["{not json", "[1, 2]", "\"doctor\"", "{\"role\": \"doctor\""] {
        let request = app
            .as_user(&root, Method::POST, "/roles")
            .header("content-type", "application/json")
            .body(raw);
        let (status, answer) = send(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{raw}");
        assert_eq!(answer["detail"], "Invalid request format.", "{raw}");
    }

    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM users").await, users_before);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM roles").await, 0);
    assert_eq!(
        count(&app.db, "SELECT COUNT(*) FROM email_outbox WHERE kind = 'staff_welcome'").await,
        0
    );
}

struct Staff {
    karin: u64,
    asa: u64,
    olle: u64,
    pia: u64,
}

/// Two doctors, an operator and a pharmacist, and a patient whose name could be mistaken for
/// a doctor's.
async fn staff(app: &TestApp) -> Staff {
    let db = &app.db;
    let staff = Staff {
        karin: insert_staff(db, "karin@clinic.test", "Karin", "Berg", "doctor", Some("Cardiology"))
            .await,
        asa: insert_staff(db, "asa@clinic.test", "Åsa", "Öberg", "doctor", Some("Neurologi")).await,
        olle: insert_staff(db, "olle@clinic.test", "Olle", "Nyström", "operator", None).await,
        pia: insert_staff(db, "pia@clinic.test", "Pia", "Holm", "pharmacist", None).await,
    };
    let patient = Person {
        email: "karin.patient@clinic.test",
        name: "Karin",
        surname: "Bergman",
        date_of_birth: "1990-01-01",
        city: "Lund",
        country: "Sverige",
        gender: "Female",
    };
    insert_person(db, patient).await;
    staff
}

async fn expect_ids(app: &TestApp, session: &Session, path: &str, cases: &[(&str, Vec<u64>)]) {
    for (query, expected) in cases {
        let (status, page) = app.get(session, &format!("{path}?{query}&size=25")).await;
        assert_eq!(status, StatusCode::OK, "{path}?{query}: {page}");
        assert_eq!(&ids(&page), expected, "{path}?{query}");
        assert_eq!(page["total_items"].as_u64().unwrap() as usize, expected.len(), "{query}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_staff_filter_and_order_has_its_effect(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let Staff { karin, asa, olle, pia } = staff(&app).await;
    let cases = [
        ("", vec![karin, asa, olle, pia]),
        ("icontains_role=DOC", vec![karin, asa]),
        ("icontains_role=pharm", vec![pia]),
        ("icontains_role=operator", vec![olle]),
        ("icontains_specialty=cardio", vec![karin]),
        ("icontains_specialty=NEURO", vec![asa]),
        ("icontains_name=asa", vec![asa]),
        ("icontains_name=karin", vec![karin]),
        ("icontains_surname=berg", vec![karin, asa]),
        ("icontains_surname=nystrom", vec![olle]),
        ("icontains_role=doctor&icontains_surname=oberg", vec![asa]),
        ("icontains_name=%25", vec![]),
        ("icontains_role=_", vec![]),
        ("order=id", vec![karin, asa, olle, pia]),
        ("order=-id", vec![pia, olle, asa, karin]),
        ("icontains_role=doctor&order=-id", vec![asa, karin]),
        ("unknown_parameter=1&icontains_name=pia", vec![pia]),
    ];
    expect_ids(&app, &root, "/roles", &cases).await;

    let doctor_cases = [
        ("", vec![karin, asa]),
        ("icontains_role=operator", vec![]),
        ("icontains_name=olle", vec![]),
        ("icontains_role=doc", vec![karin, asa]),
        ("icontains_specialty=neuro", vec![asa]),
        ("icontains_name=ÅSA", vec![asa]),
        ("icontains_surname=BERG", vec![karin, asa]),
        ("icontains_surname=berg&order=-id", vec![asa, karin]),
        ("order=-id", vec![asa, karin]),
    ];
    let patient = app.patient("pat@clinic.test").await;
    expect_ids(&app, &patient, "/roles/doctor_list", &doctor_cases).await;

    for path in ["/roles", "/roles/doctor_list"] {
        for bad in ["order=name", "order=ID", "order=-name", "order=created_at", "order=id,-id"] {
            let (status, body) = app.get(&root, &format!("{path}?{bad}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{bad}");
            assert!(body["errors"]["order"].is_array(), "{path}?{bad}: {body}");
        }
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_lists_are_paged_and_follow_new_and_deleted_members(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let mut role_ids = Vec::new();
    for n in 0..7 {
        let (role, specialty) =
            if n % 2 == 0 { ("doctor", Some("Cardiology")) } else { ("operator", None) };
        let email = format!("s{n}@clinic.test");
        role_ids.push(insert_staff(&app.db, &email, "Sam", "Son", role, specialty).await);
    }

    let (status, page) = app.get(&root, "/roles?size=3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((page["total_items"].as_u64(), page["total_pages"].as_u64()), (Some(7), Some(3)));
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(false), Some(true)));
    assert_eq!(ids(&page), role_ids[..3]);
    let (_, page) = app.get(&root, "/roles?size=3&page=3").await;
    assert_eq!(ids(&page), role_ids[6..]);
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(true), Some(false)));
    let (_, page) = app.get(&root, "/roles?size=3&page=2&order=-id").await;
    assert_eq!(ids(&page), [role_ids[3], role_ids[2], role_ids[1]]);
    let (_, page) = app.get(&root, "/roles?size=1000").await;
    assert_eq!(ids(&page), role_ids, "size is clamped to 25, which holds them all");
    let (status, body) = app.get(&root, "/roles?size=3&page=4").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"], "Invalid page.");
    for bad in ["page=0", "page=abc", "size=0", "size=-1"] {
        let (status, body) = app.get(&root, &format!("/roles?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["errors"][bad.split('=').next().unwrap()].is_array(), "{bad}: {body}");
    }

    let (_, doctors) = app.get(&root, "/roles/doctor_list?size=3").await;
    assert_eq!(
        (doctors["total_items"].as_u64(), doctors["total_pages"].as_u64()),
        (Some(4), Some(2))
    );
    let (_, doctors) = app.get(&root, "/roles/doctor_list?size=3&page=2").await;
    assert_eq!(ids(&doctors), [role_ids[6]]);
    let (status, _) = app.get(&root, "/roles/doctor_list?size=3&page=3").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Totals follow a new member and a deleted account at once.
    let (status, created) =
        create(&app, &root, &member("doctor", Some("Oncology"), "new@clinic.test", "Nina")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, page) = app.get(&root, "/roles?size=3").await;
    assert_eq!(page["total_items"], 8);
    let (_, doctors) = app.get(&root, "/roles/doctor_list").await;
    assert_eq!(doctors["total_items"], 5);

    let gone = user_id_of(&app.db, "s0@clinic.test").await;
    let (status, _) = app.delete(&root, &format!("/users/{gone}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, page) = app.get(&root, "/roles?size=3").await;
    assert_eq!(page["total_items"], 7);
    assert_eq!(ids(&page)[0], role_ids[1]);
    let (status, _) = app.get(&root, &format!("/roles/{}", role_ids[0])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the row went with the account");
    let (_, doctors) = app.get(&root, "/roles/doctor_list?size=25").await;
    assert_eq!(doctors["total_items"], 4);
    assert_eq!(*ids(&doctors).last().unwrap(), created["id"].as_u64().unwrap());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn availability_is_set_not_toggled_and_emailed_only_on_change(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = app.staff("doc@clinic.test", Role::Doctor).await;
    let operator = app.staff("op@clinic.test", Role::Operator).await;
    let pharmacist = app.staff("ph@clinic.test", Role::Pharmacist).await;
    let role_id = role_id_of(&app.db, doctor.id).await;
    let block = format!("/roles/block_staff_doctor/{role_id}");
    let unblock = format!("/roles/unblock_staff_doctor/{role_id}");
    let mails_before = app.wait_for_emails("doc@clinic.test", 2).await.len();
    let outbox = |kind: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM email_outbox WHERE kind = ?")
                .bind(kind)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };

    // Unblocking an available doctor changes nothing and sends nothing.
    let (status, body) = app.patch(&root, &unblock, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"is_available_for_booking": true}));
    assert_eq!(outbox("doctor_available").await, 0);

    for _ in 0..2 {
        let (status, body) = app.patch(&root, &block, json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"is_available_for_booking": false}), "set, not toggled");
    }
    assert_eq!(outbox("doctor_unavailable").await, 1, "e-mailed once, on the change");
    let emails = app.wait_for_emails("doc@clinic.test", mails_before + 1).await;
    assert_eq!(emails.last().unwrap().subject, "You are no longer available for booking");
    assert!(emails.last().unwrap().text.contains("Eva"), "addressed to the doctor by name");
    let (_, role) = app.get(&root, &format!("/roles/{role_id}")).await;
    assert_eq!(role["is_available_for_booking"], false);
    let (_, listed) = app.get(&doctor, &format!("/roles/doctor_list/{role_id}")).await;
    assert_eq!(listed["is_available_for_booking"], false, "still listed, marked unavailable");

    for _ in 0..2 {
        let (status, body) = app.patch(&root, &unblock, json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"is_available_for_booking": true}));
    }
    assert_eq!(outbox("doctor_available").await, 1);
    let emails = app.wait_for_emails("doc@clinic.test", mails_before + 2).await;
    assert_eq!(emails.len(), mails_before + 2);
    assert_eq!(emails.last().unwrap().subject, "You are available for booking again");
    let (_, role) = app.get(&root, &format!("/roles/{role_id}")).await;
    assert_eq!(role["is_available_for_booking"], true);

    // Only doctors have an availability.
    let operator_role = role_id_of(&app.db, operator.id).await;
    let pharmacist_role = role_id_of(&app.db, pharmacist.id).await;
    for id in [
        operator_role.to_string(),
        pharmacist_role.to_string(),
        "9999".into(),
        "abc".into(),
        "0".into(),
    ] {
        for action in ["block_staff_doctor", "unblock_staff_doctor"] {
            let (status, body) =
                app.patch(&root, &format!("/roles/{action}/{id}"), json!({})).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{action}/{id}");
            assert_eq!(body["detail"], "Not found.");
        }
    }
    assert_eq!(outbox("doctor_unavailable").await + outbox("doctor_available").await, 2);
    assert_eq!(app.emails_to("op@clinic.test").len(), 2, "registration only");
}

fn private_fields() -> [&'static str; 10] {
    [
        "phone_number",
        "date_of_birth",
        "age",
        "height",
        "weight",
        "street",
        "house",
        "city",
        "region",
        "country",
    ]
}

fn assert_profile_hidden(role: &Value, who: &str) {
    let profile = &role["user"]["profile"];
    for field in private_fields() {
        assert!(profile.get(field).is_some(), "{who}: the field {field} is still there");
        assert_eq!(profile[field], Value::Null, "{who} must not see {field}: {role}");
    }
    assert_eq!(
        (profile["name"].as_str(), profile["surname"].as_str()),
        (Some("Eva"), Some("Lind"))
    );
    assert_eq!(profile["gender"], "Female");
    assert!(role["user"].get("pending_email").is_none(), "{who}");
}

fn assert_profile_whole(role: &Value, who: &str) {
    let profile = &role["user"]["profile"];
    assert_eq!(profile["phone_number"], "+46701234567", "{who}: {role}");
    assert_eq!(profile["date_of_birth"], "1985-09-22", "{who}");
    assert_eq!(profile["age"], 41, "{who}");
    assert_eq!((profile["height"].as_u64(), profile["weight"].as_u64()), (Some(170), Some(60)));
    assert_eq!(
        (profile["street"].as_str(), profile["house"].as_str()),
        (Some("Storgatan"), Some("12B"))
    );
    assert_eq!(
        (profile["city"].as_str(), profile["region"].as_str()),
        (Some("Malmö"), Some("Skåne"))
    );
    assert_eq!(profile["country"], "Sweden", "{who}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_doctor_list_hides_private_fields_from_patients_but_not_from_staff(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = clinic(&app).await;
    let doctor_role = role_id_of(&app.db, c.doctor.id).await;
    let other_role = role_id_of(&app.db, c.other_doctor.id).await;
    let operator_role = role_id_of(&app.db, c.operator.id).await;

    let hidden_from = [&c.patient, &c.pharmacist, &c.other_doctor];
    let shown_to = [&c.root, &c.admin, &c.operator, &c.doctor];
    for (who, hidden) in
        hidden_from.iter().map(|s| (s, true)).chain(shown_to.iter().map(|s| (s, false)))
    {
        let (status, one) = app.get(who, &format!("/roles/doctor_list/{doctor_role}")).await;
        assert_eq!(status, StatusCode::OK);
        let (_, page) = app.get(who, "/roles/doctor_list?size=25").await;
        assert_eq!(ids(&page), [doctor_role, other_role], "doctors only");
        let listed = &page["data"][0];
        for role in [&one, listed] {
            assert_eq!(role["role"], "doctor");
            assert_eq!(role["specialty"], "Cardiology");
            assert_eq!(role["is_available_for_booking"], true);
            assert_eq!(role["user"]["email"], "doc@clinic.test");
            if hidden {
                assert_profile_hidden(role, &who.email);
            } else {
                assert_profile_whole(role, &who.email);
            }
        }
        let hidden_keys: Vec<&String> =
            one["user"]["profile"].as_object().unwrap().keys().collect();
        assert_eq!(hidden_keys.len(), 16, "{}: the same shape either way", who.email);
    }
    // The doctor sees their own profile whole, a colleague's not.
    let (_, page) = app.get(&c.doctor, "/roles/doctor_list").await;
    assert_profile_whole(&page["data"][0], "the doctor themself");
    assert_profile_hidden(&page["data"][1], "a colleague");
    // The staff list and the role detail always show everything to those who may read them.
    let (_, staff) = app.get(&c.operator, &format!("/roles/{doctor_role}")).await;
    assert_profile_whole(&staff, "an operator");

    for missing in [operator_role.to_string(), "9999".into(), "abc".into()] {
        let (status, body) = app.get(&c.patient, &format!("/roles/doctor_list/{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(body["detail"], "Not found.");
    }
}
