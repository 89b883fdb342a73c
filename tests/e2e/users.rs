//! `/api/users`, row by row.

use qhealth::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{
    PASSWORD, Person, Session, TestApp, count, ids, insert_person, profile, send, user_id_of,
};

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn registration_creates_an_inactive_patient_and_sends_two_emails(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let user = app.register("Asa.Oberg@Clinic.test", profile("Åsa", "Öberg")).await;
    assert_eq!(user["email"], "asa.oberg@clinic.test");
    assert_eq!(user["is_active"], false);
    assert_eq!(user["is_staff"], false);
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    assert_eq!(user["profile"]["name"], "Åsa");
    assert_eq!(user["profile"]["surname"], "Öberg");
    assert_eq!(user["profile"]["phone_number"], "+46701234567");
    assert_eq!(user["profile"]["age"], 41);

    let emails = app.emails_to("asa.oberg@clinic.test");
    let subjects: Vec<&str> = emails.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(subjects, ["Activate your QHealth account", "Welcome to QHealth"]);
    assert!(emails.iter().all(|e| e.html.contains("Åsa") && e.text.contains("Åsa")));
    let sent = count(&app.db, "SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NOT NULL").await;
    assert_eq!(sent, 2);

    // Registered is a patient, but not yet active.
    let (status, _) = app.login("asa.oberg@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_email_is_registered_once_whatever_its_case(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.register("eva@clinic.test", profile("Eva", "Lind")).await;
    let (status, body) = app
        .post_anonymous("/users", json!({"email": "EVA@clinic.test", "password": PASSWORD, "profile": profile("Eva", "Lind")}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"]["email"][0], "A user with this e-mail address already exists.");
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM users").await, 1);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn registration_names_every_failing_field(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (status, body) = app
        .post_anonymous(
            "/users",
            json!({"email": "not-an-email", "password": "password", "profile": {
                "name": "Anna1", "surname": "", "phone_number": "12345", "date_of_birth": "2010-01-01",
                "gender": "other", "height": 0, "weight": "heavy", "house": "#12", "city": "Malmö"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "Invalid data.");
    let errors = body["errors"].as_object().unwrap();
    for field in [
        "email",
        "password",
        "profile.name",
        "profile.surname",
        "profile.phone_number",
        "profile.date_of_birth",
        "profile.gender",
        "profile.height",
        "profile.weight",
        "profile.house",
    ] {
        assert!(errors.contains_key(field), "{field} missing from {body}");
    }
    assert!(!errors.contains_key("profile.city"));
    assert_eq!(
        body["errors"]["profile.date_of_birth"][0],
        "You must be at least 18 years old to register."
    );
    let (status, body) = app.post_anonymous("/users", json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["email", "password", "profile"] {
        assert_eq!(body["errors"][field][0], "This field is required.", "{field}");
    }
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM users").await, 0);
    assert!(app.mailer.sent().is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn who_may_list_users(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let readers = [
        root.clone(),
        app.staff("admin@clinic.test", Role::Admin).await,
        app.staff("doc@clinic.test", Role::Doctor).await,
        app.staff("op@clinic.test", Role::Operator).await,
        app.staff("ph@clinic.test", Role::Pharmacist).await,
    ];
    for reader in &readers {
        for path in ["/users", "/users/patient"] {
            let (status, body) = app.get(reader, path).await;
            assert_eq!(status, StatusCode::OK, "{} {path}: {body}", reader.email);
        }
    }
    let patient = app.patient("pat@clinic.test").await;
    for path in ["/users", "/users/patient"] {
        let (status, body) = app.get(&patient, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["detail"], "You don't have access.");
        let (status, _) = send(app.request(Method::GET, path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn lists_are_paged(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    for n in 0..29 {
        let email = format!("p{n}@clinic.test");
        insert_person(
            &app.db,
            Person {
                email: &email,
                name: "Per",
                surname: "Son",
                date_of_birth: "1980-01-01",
                city: "Lund",
                country: "Sweden",
                gender: "Male",
            },
        )
        .await;
    }
    let (status, page) = app.get(&root, "/users").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((page["total_items"].as_u64(), page["total_pages"].as_u64()), (Some(30), Some(6)));
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(false), Some(true)));
    assert_eq!(ids(&page), [1, 2, 3, 4, 5]);

    let (_, page) = app.get(&root, "/users?size=10&page=3").await;
    assert_eq!(ids(&page), (21..=30).collect::<Vec<_>>());
    assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(true), Some(false)));
    let (_, page) = app.get(&root, "/users?size=1000").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 25, "size is clamped to 25");
    assert_eq!(page["total_pages"], 2);

    let (status, body) = app.get(&root, "/users?page=7").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"], "Invalid page.");
    for bad in ["page=0", "page=abc", "size=0", "size=-5", "size=ten"] {
        let (status, body) = app.get(&root, &format!("/users?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        let name = bad.split('=').next().unwrap();
        assert!(body["errors"][name].is_array(), "{bad}: {body}");
    }
    // A total follows changes at once: the cache is keyed on the collection's version.
    app.register("new@clinic.test", profile("Nina", "Ny")).await;
    let (_, page) = app.get(&root, "/users").await;
    assert_eq!(page["total_items"], 31);
}

async fn clinic_with_people(app: &TestApp) -> (Session, [u64; 4]) {
    let root = app.superuser().await;
    let people = [
        Person {
            email: "asa@clinic.test",
            name: "Åsa",
            surname: "Öberg",
            date_of_birth: "1990-05-10",
            city: "Malmö",
            country: "Sverige",
            gender: "Female",
        },
        Person {
            email: "erik@clinic.test",
            name: "Erik",
            surname: "Lind",
            date_of_birth: "1960-11-26",
            city: "Stockholm",
            country: "Sverige",
            gender: "Male",
        },
        Person {
            email: "jose@clinic.test",
            name: "José",
            surname: "Núñez",
            date_of_birth: "2008-11-26",
            city: "Malmö",
            country: "España",
            gender: "Male",
        },
        Person {
            email: "anna@clinic.test",
            name: "Anna",
            surname: "Åberg",
            date_of_birth: "2000-02-29",
            city: "Göteborg",
            country: "Sverige",
            gender: "Female",
        },
    ];
    let mut ids = [0; 4];
    for (slot, person) in ids.iter_mut().zip(people) {
        *slot = insert_person(&app.db, person).await;
    }
    (root, ids)
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_user_filter_has_its_effect(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let (root, [asa, erik, jose, anna]) = clinic_with_people(&app).await;
    // Today is 2026-11-26: Erik turns 66, José 18; Anna (29 February) is 26.
    let cases: &[(&str, Vec<u64>)] = &[
        ("icontains_name=asa", vec![asa]),
        ("icontains_name=ERIK", vec![erik]),
        ("icontains_surname=berg", vec![asa, anna]),
        ("icontains_surname=nunez", vec![jose]),
        ("icontains_city=malmo", vec![asa, jose]),
        ("icontains_country=espana", vec![jose]),
        ("gender=Male", vec![erik, jose]),
        ("date_of_birth=2000-02-29", vec![anna]),
        ("min_age=66", vec![erik]),
        ("max_age=18", vec![jose]),
        ("min_age=18&max_age=26", vec![jose, anna]),
        ("min_age=27&max_age=65", vec![asa]),
        ("icontains_city=malmo&gender=Female", vec![asa]),
        ("icontains_name=%25", vec![]),
        ("icontains_name=_", vec![]),
        ("unknown_parameter=1&icontains_name=jos", vec![jose]),
    ];
    for (query, expected) in cases {
        let (status, page) = app.get(&root, &format!("/users/patient?{query}&size=25")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(&ids(&page), expected, "{query}");
        assert_eq!(page["total_items"].as_u64().unwrap() as usize, expected.len(), "{query}");
    }
    for (query, parameter) in [
        ("min_age=abc", "min_age"),
        ("max_age=-1", "max_age"),
        ("date_of_birth=1990-13-01", "date_of_birth"),
        ("gender=female", "gender"),
    ] {
        let (status, body) = app.get(&root, &format!("/users?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(body["errors"][parameter].is_array(), "{query}: {body}");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_patient_list_holds_patients_only(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = app.staff("doc@clinic.test", Role::Doctor).await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let patient = app.patient("pat@clinic.test").await;

    let (_, all) = app.get(&root, "/users?size=25").await;
    assert_eq!(ids(&all), [root.id, doctor.id, admin.id, patient.id]);
    let (_, patients) = app.get(&root, "/users/patient").await;
    assert_eq!(ids(&patients), [patient.id]);

    let (status, body) = app.get(&doctor, &format!("/users/patient/{}", patient.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("pending_email").is_none(), "private to staff and the owner");
    for not_a_patient in [root.id, doctor.id, admin.id, 9999] {
        let (status, _) = app.get(&root, &format!("/users/patient/{not_a_patient}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // A patient sees themself, and nobody else exists for them.
    let (status, me) = app.get(&patient, &format!("/users/patient/{}", patient.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(me.get("pending_email").is_some());
    let (status, _) = app.get(&patient, &format!("/users/patient/{}", doctor.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An admin is no longer a patient, and the totals know it at once.
    app.patch(&root, &format!("/users/{}/create_admin", patient.id), json!({})).await;
    let (_, patients) = app.get(&root, "/users/patient").await;
    assert_eq!(patients["total_items"], 0);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_user_is_shown_to_staff_and_to_themself(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let pharmacist = app.staff("ph@clinic.test", Role::Pharmacist).await;
    let eva = app.patient("eva@clinic.test").await;
    let nils = app.patient("nils@clinic.test").await;

    let (status, body) = app.get(&eva, &format!("/users/{}", eva.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["email"], "eva@clinic.test");
    assert_eq!(body["pending_email"], Value::Null);
    let (status, body) = app.get(&eva, &format!("/users/{}", nils.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = app.get(&pharmacist, &format!("/users/{}", eva.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("pending_email").is_none());
    let (status, body) = app.get(&root, &format!("/users/{}", eva.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("pending_email").is_some());
    for missing in ["9999", "abc", "-1", "0"] {
        let (status, body) = app.get(&root, &format!("/users/{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(body["detail"], "Not found.");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn profiles_are_updated_field_by_field(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let eva = app.patient("eva@clinic.test").await;
    let path = format!("/users/{}", eva.id);

    let (status, user) = app
        .patch(&eva, &path, json!({"profile": {"city": "Lund", "phone_number": "+46 70 765 43 21", "height": null}}))
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["profile"]["city"], "Lund");
    assert_eq!(user["profile"]["phone_number"], "+46707654321");
    assert_eq!(user["profile"]["height"], Value::Null);
    assert_eq!(user["profile"]["weight"], 60, "untouched");
    assert_eq!(user["profile"]["name"], "Eva", "untouched");

    let (status, body) = app
        .patch(
            &eva,
            &path,
            json!({"profile": {"name": null, "weight": 9000, "date_of_birth": "2020-01-01"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["profile.name", "profile.weight", "profile.date_of_birth"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let (_, user) = app.get(&eva, &path).await;
    assert_eq!(user["profile"]["weight"], 60, "nothing half-written");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn who_may_change_whose_profile(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let doctor = app.staff("doc@clinic.test", Role::Doctor).await;
    let eva = app.patient("eva@clinic.test").await;
    let nils = app.patient("nils@clinic.test").await;
    let change = json!({"profile": {"city": "Ystad"}});

    let allowed = [
        (&root, admin.id),
        (&admin, eva.id),
        (&admin, admin.id),
        (&doctor, doctor.id),
        (&root, root.id),
    ];
    for (who, whom) in allowed {
        let (status, body) = app.patch(who, &format!("/users/{whom}"), change.clone()).await;
        assert_eq!(status, StatusCode::OK, "{} → {whom}: {body}", who.email);
    }
    let refused = [
        (&admin, root.id, StatusCode::FORBIDDEN),
        (&doctor, eva.id, StatusCode::FORBIDDEN),
        (&eva, nils.id, StatusCode::NOT_FOUND),
        (&eva, root.id, StatusCode::NOT_FOUND),
    ];
    for (who, whom, expected) in refused {
        let (status, _) = app.patch(who, &format!("/users/{whom}"), change.clone()).await;
        assert_eq!(status, expected, "{} → {whom}", who.email);
    }
    let (_, superuser) = app.get(&root, &format!("/users/{}", root.id)).await;
    assert_eq!(superuser["profile"]["city"], "Ystad", "set by the superuser");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_new_email_waits_until_its_owner_confirms_it(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let eva = app.patient("eva@clinic.test").await;
    let nils = app.patient("nils@clinic.test").await;
    let path = format!("/users/{}", eva.id);

    let (status, body) = app.patch(&eva, &path, json!({"email": "nils@clinic.test"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["email"].is_array());
    let (status, body) = app.get(&eva, "/users/verify_email/anything").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    let (status, user) = app.patch(&eva, &path, json!({"email": "Eva.New@Clinic.test"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["email"], "eva@clinic.test");
    assert_eq!(user["pending_email"], "eva.new@clinic.test");
    let mail = app.emails_to("eva.new@clinic.test");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, "Confirm your new e-mail address");
    let token = app.link_token("eva.new@clinic.test", "/users/verify_email/");
    let verify = format!("/users/verify_email/{token}");

    // Until confirmed, the old address is the one that signs in.
    let (status, _) = app.login("eva.new@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Someone else's link is refused, and so is no sign-in at all.
    let (status, _) = app.get(&nils, &verify).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send(app.request(Method::GET, &verify)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = app.get(&eva, &verify).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"detail": "Email successfully verified"}));
    let (_, user) = app.get(&eva, &path).await;
    assert_eq!(
        (user["email"].as_str(), user["pending_email"].as_str()),
        (Some("eva.new@clinic.test"), None)
    );
    let (status, _) = app.get(&eva, &verify).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a link works once");
    let (status, _) = app.login("eva.new@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn verification_needs_a_pending_change_matching_the_link(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let eva = app.patient("eva@clinic.test").await;
    let path = format!("/users/{}", eva.id);
    app.patch(&eva, &path, json!({"email": "first@clinic.test"})).await;
    let first = app.link_token("first@clinic.test", "/users/verify_email/");
    app.patch(&eva, &path, json!({"email": "second@clinic.test"})).await;
    // The first link was for an address she no longer asks for.
    let (status, _) = app.get(&eva, &format!("/users/verify_email/{first}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Nothing pending: a signed link for her own account still has nothing to confirm.
    sqlx::query("UPDATE users SET pending_email = NULL WHERE id = ?")
        .bind(eva.id)
        .execute(&app.db)
        .await
        .unwrap();
    let second = app.link_token("second@clinic.test", "/users/verify_email/");
    let (status, body) = app.get(&eva, &format!("/users/verify_email/{second}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn blocking_ends_access_at_once_and_unblocking_restores_it(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let eva = app.patient("eva@clinic.test").await;

    let (status, user) = app.patch(&root, &format!("/users/{}/block", eva.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["is_active"], false);
    let (status, _) = app.get(&eva, &format!("/users/{}", eva.id)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "her token died with the block");
    let (status, _) = app.post_anonymous("/auth/refresh", json!({"refresh": eva.refresh})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.login("eva@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Blocking again changes nothing and sends nothing more.
    app.patch(&root, &format!("/users/{}/block", eva.id), json!({})).await;

    let (status, user) = app.patch(&root, &format!("/users/{}/unblock", eva.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["is_active"], true);
    let subjects: Vec<String> =
        app.emails_to("eva@clinic.test").into_iter().map(|e| e.subject).collect();
    assert_eq!(
        subjects[2..],
        ["Your QHealth account has been blocked", "Your QHealth account is active again"]
    );
    let (status, _) = app.post_anonymous("/auth/refresh", json!({"refresh": eva.refresh})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "old sessions stay ended");
    app.session("eva@clinic.test", PASSWORD).await;
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_limits_on_blocking(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let other_root = app.superuser_named("root2@clinic.test").await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let other_admin = app.staff("admin2@clinic.test", Role::Admin).await;
    let doctor = app.staff("doc@clinic.test", Role::Doctor).await;
    let eva = app.patient("eva@clinic.test").await;

    let refused = [
        (&admin, root.id, StatusCode::FORBIDDEN),
        (&admin, other_admin.id, StatusCode::FORBIDDEN),
        (&admin, admin.id, StatusCode::FORBIDDEN),
        (&root, root.id, StatusCode::FORBIDDEN),
        (&doctor, eva.id, StatusCode::FORBIDDEN),
        // A patient may block nobody: the same answer for every id.
        (&eva, doctor.id, StatusCode::FORBIDDEN),
        (&eva, eva.id, StatusCode::FORBIDDEN),
    ];
    for (who, whom, expected) in refused {
        for action in ["block", "unblock"] {
            let (status, _) = app.patch(who, &format!("/users/{whom}/{action}"), json!({})).await;
            assert_eq!(status, expected, "{} {action} {whom}", who.email);
        }
    }
    for (who, whom) in [(&admin, doctor.id), (&root, other_admin.id), (&root, other_root.id)] {
        let (status, _) = app.patch(who, &format!("/users/{whom}/block"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{} blocks {whom}", who.email);
    }
    let (status, _) = app.patch(&root, "/users/9999/block", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn admin_rights_are_granted_by_staff_and_revoked_by_superusers(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let eva = app.patient("eva@clinic.test").await;
    let nils = app.patient("nils@clinic.test").await;

    let (status, user) =
        app.patch(&admin, &format!("/users/{}/create_admin", eva.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["is_staff"], true);
    let (_, role) = app.get(&eva, "/auth/qhealth_role").await;
    assert_eq!(role["role"], "admin", "the same token now acts as an admin");
    assert_eq!(
        app.emails_to("eva@clinic.test").last().unwrap().subject,
        "You are now a QHealth administrator"
    );

    let (status, _) =
        app.patch(&admin, &format!("/users/{}/revoke_admin", eva.id), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "admins cannot revoke admins");
    let (status, _) =
        app.patch(&admin, &format!("/users/{}/create_admin", root.id), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "admins cannot manage superusers");
    let (status, _) =
        app.patch(&admin, &format!("/users/{}/create_admin", admin.id), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not oneself");
    let (status, _) =
        app.patch(&nils, &format!("/users/{}/create_admin", nils.id), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        app.patch(&root, &format!("/users/{}/revoke_admin", root.id), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not oneself");

    let (status, user) =
        app.patch(&root, &format!("/users/{}/revoke_admin", eva.id), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["is_staff"], false);
    assert_eq!(
        app.emails_to("eva@clinic.test").last().unwrap().subject,
        "Your QHealth administrator rights have ended"
    );
    let (status, _) = app.get(&eva, "/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a patient again");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn accounts_can_be_deleted_by_their_owner_or_staff(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let eva = app.patient("eva@clinic.test").await;
    let nils = app.patient("nils@clinic.test").await;
    let doctor = app.staff("doc@clinic.test", Role::Doctor).await;

    let (status, _) = app.delete(&nils, &format!("/users/{}", eva.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.delete(&doctor, &format!("/users/{}", eva.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = app.delete(&eva, &format!("/users/{}", eva.id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(
        app.emails_to("eva@clinic.test").last().unwrap().subject,
        "Your QHealth account has been deleted"
    );
    let (status, _) = app.login("eva@clinic.test", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.delete(&root, &format!("/users/{}", nils.id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.delete(&root, &format!("/users/{}", nils.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page) = app.get(&root, "/users").await;
    assert_eq!(page["total_items"], 2);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_limits_on_deleting_staff_and_superusers(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let admin = app.staff("admin@clinic.test", Role::Admin).await;
    let other_admin = app.staff("admin2@clinic.test", Role::Admin).await;

    let (status, _) = app.delete(&admin, &format!("/users/{}", root.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.delete(&admin, &format!("/users/{}", other_admin.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app.delete(&root, &format!("/users/{}", root.id)).await;
    assert_eq!(status, StatusCode::CONFLICT, "the last superuser stays");
    assert!(body["detail"].as_str().unwrap().contains("last superuser"));

    let second = app.superuser_named("root2@clinic.test").await;
    let (status, _) = app.delete(&root, &format!("/users/{}", root.id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "one superuser remains");
    let (status, _) = app.delete(&second, &format!("/users/{}", second.id)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app.delete(&admin, &format!("/users/{}", admin.id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "an admin may leave");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn bookings_and_records_keep_an_account(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let doctor = app.staff("doc@clinic.test", Role::Doctor).await;
    let eva = app.patient("eva@clinic.test").await;
    let nils = app.patient("nils@clinic.test").await;
    let ida = app.patient("ida@clinic.test").await;
    let exec = |sql: &'static str, args: Vec<u64>| {
        let db = app.db.clone();
        async move {
            let mut query = sqlx::query(sql);
            for arg in args {
                query = query.bind(arg);
            }
            query.execute(&db).await.unwrap().last_insert_id()
        }
    };
    exec(
        "INSERT INTO diagnostics (modality, created_at, updated_at) VALUES ('MRI', NOW(6), NOW(6))",
        vec![],
    )
    .await;
    exec("INSERT INTO diagnostic_bookings (user_id, diagnostic_id, created_at, updated_at) VALUES (?, 1, NOW(6), NOW(6))", vec![eva.id]).await;
    let visit = exec(
        "INSERT INTO doctor_visits (user_id, doctor_id, date_time, created_at, updated_at) VALUES (?, ?, '2026-12-01 09:00:00', NOW(6), NOW(6))",
        vec![nils.id, doctor.id],
    )
    .await;
    exec("INSERT INTO patient_cards (user_id, diagnosis, description, planning, created_at, updated_at) VALUES (?, 'Flu', 'x', 'y', NOW(6), NOW(6))", vec![ida.id]).await;

    let expect_conflict = |session: &Session, words: &'static str| {
        let path = format!("/users/{}", session.id);
        let app = &app;
        let root = &root;
        async move {
            let (status, body) = app.delete(root, &path).await;
            assert_eq!(status, StatusCode::CONFLICT, "{path}: {body}");
            assert!(body["detail"].as_str().unwrap().contains(words), "{body}");
        }
    };
    expect_conflict(&eva, "diagnostic bookings").await;
    expect_conflict(&nils, "booked doctor visits").await;
    expect_conflict(&doctor, "This doctor has booked visits").await;
    expect_conflict(&ida, "journal entries").await;

    // A cancelled visit keeps nobody.
    exec("UPDATE doctor_visits SET status = 'cancelled' WHERE id = ?", vec![visit]).await;
    let (status, _) = app.delete(&root, &format!("/users/{}", nils.id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.delete(&root, &format!("/users/{}", doctor.id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM doctor_visits").await, 0);
    assert_eq!(user_id_of(&app.db, "eva@clinic.test").await, eva.id, "still there");
}
