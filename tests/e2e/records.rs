//! `/api/patient_card` (journals) and `/api/patient_recipe` (prescriptions), row by row. Both
//! kinds of record follow the same rules, so most tests run for each.

use qhealth::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{Clinic, Person, Session, TestApp, count, ids, insert_person, send};

/// One kind of record, and what differs between the two.
#[derive(Debug, Clone, Copy)]
struct Kind {
    path: &'static str,
    /// The short line a record is known by, and its list filter: `diagnosis` or `recipe`.
    title: &'static str,
    /// Journal entries have a plan; prescriptions do not.
    planning: bool,
    /// Who writes them besides staff.
    writer: Role,
    /// The subject of the e-mail the patient receives.
    subject: &'static str,
    author_sql: &'static str,
}

const JOURNAL: Kind = Kind {
    path: "/patient_card",
    title: "diagnosis",
    planning: true,
    writer: Role::Doctor,
    subject: "A new entry in your medical journal",
    author_sql: "SELECT created_by_id FROM patient_cards WHERE id = ?",
};

const PRESCRIPTIONS: Kind = Kind {
    path: "/patient_recipe",
    title: "recipe",
    planning: false,
    writer: Role::Pharmacist,
    subject: "A new prescription for you",
    author_sql: "SELECT created_by_id FROM patient_recipes WHERE id = ?",
};

const KINDS: [Kind; 2] = [JOURNAL, PRESCRIPTIONS];

impl Kind {
    fn item(&self, id: impl std::fmt::Display) -> String {
        format!("{}/{id}", self.path)
    }

    /// A valid body for a record about `patient`, titled `title`.
    fn body(&self, patient: u64, title: &str) -> Value {
        let mut body = json!({"user_id": patient, "description": "Rest, fluids and paracetamol."});
        body[self.title] = json!(title);
        if self.planning {
            body["planning"] = json!("Follow-up visit in two weeks.");
        }
        body
    }

    /// The fields of the record's text, all required.
    fn text_fields(&self) -> Vec<&'static str> {
        let mut fields = vec![self.title, "description"];
        if self.planning {
            fields.push("planning");
        }
        fields
    }

    /// How many e-mails announcing this kind of record have been sent, to anyone.
    fn announcements(&self, app: &TestApp) -> usize {
        app.mailer.sent().iter().filter(|e| e.subject == self.subject).count()
    }
}

/// The staff member, not an admin, who writes `kind`.
fn writer(c: &Clinic, kind: Kind) -> &Session {
    if kind.writer == Role::Doctor { &c.doctor } else { &c.pharmacist }
}

async fn post(app: &TestApp, session: &Session, path: &str, body: &Value) -> (StatusCode, Value) {
    send(app.as_user(session, Method::POST, path).json(body)).await
}

/// Writes a record as `author` and answers its id.
async fn write(app: &TestApp, author: &Session, kind: Kind, patient: u64, title: &str) -> u64 {
    let (status, body) = post(app, author, kind.path, &kind.body(patient, title)).await;
    assert_eq!(status, StatusCode::CREATED, "{} by {}: {body}", kind.path, author.email);
    body["id"].as_u64().unwrap()
}

async fn rows(app: &TestApp) -> (i64, i64) {
    (
        count(&app.db, "SELECT COUNT(*) FROM patient_cards").await,
        count(&app.db, "SELECT COUNT(*) FROM patient_recipes").await,
    )
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn staff_and_the_right_profession_write_records(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    for kind in KINDS {
        for author in [&c.root, &c.admin, writer(&c, kind)] {
            let id = write(&app, author, kind, c.eva.id, "Influenza").await;
            let recorded: Option<u64> =
                sqlx::query_scalar(kind.author_sql).bind(id).fetch_one(&app.db).await.unwrap();
            assert_eq!(recorded, Some(author.id), "{} remembers its author", kind.path);
        }
        let others = [&c.doctor, &c.operator, &c.pharmacist, &c.eva, &c.nils];
        for refused in others.into_iter().filter(|s| s.id != writer(&c, kind).id) {
            let (status, body) = post(&app, refused, kind.path, &kind.body(c.eva.id, "x")).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{} by {}", kind.path, refused.email);
            assert_eq!(body["detail"], "You don't have access.");
        }
        let anonymous = app.request(Method::POST, kind.path).json(&kind.body(c.eva.id, "x"));
        let (status, body) = send(anonymous).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["detail"].is_string());
    }
    assert_eq!(rows(&app).await, (3, 3), "refusals store nothing");
    assert_eq!(JOURNAL.announcements(&app) + PRESCRIPTIONS.announcements(&app), 6);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn who_reads_which_records(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    for kind in KINDS {
        let evas = write(&app, &c.root, kind, c.eva.id, "Influenza").await;
        let nils = write(&app, &c.root, kind, c.nils.id, "Migraine").await;

        let mut readers = vec![&c.root, &c.admin, &c.doctor, &c.operator];
        if kind.writer == Role::Pharmacist {
            readers.push(&c.pharmacist);
        }
        for reader in readers {
            let (status, page) = app.get(reader, kind.path).await;
            assert_eq!(status, StatusCode::OK, "{} {}: {page}", reader.email, kind.path);
            assert_eq!(ids(&page), [evas, nils], "{} {}", reader.email, kind.path);
            for (id, patient) in [(evas, c.eva.id), (nils, c.nils.id)] {
                let (status, record) = app.get(reader, &kind.item(id)).await;
                assert_eq!(status, StatusCode::OK, "{} {id}", reader.email);
                assert_eq!(record["user"]["id"], patient);
            }
        }

        // A patient: their own records only; anyone else's do not exist for them.
        for (patient, own, others) in [(&c.eva, evas, nils), (&c.nils, nils, evas)] {
            let (status, page) = app.get(patient, kind.path).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(ids(&page), [own], "{} {}", patient.email, kind.path);
            assert_eq!(page["total_items"], 1);
            let (status, record) = app.get(patient, &kind.item(own)).await;
            assert_eq!(status, StatusCode::OK);
            assert!(record["user"].get("pending_email").is_some(), "their own account");
            let (status, body) = app.get(patient, &kind.item(others)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{} {}", patient.email, kind.path);
            assert_eq!(body["detail"], "Not found.");
        }
        // Other people's private fields stay private in embedded users.
        let (_, record) = app.get(&c.doctor, &kind.item(evas)).await;
        assert!(record["user"].get("pending_email").is_none());

        for path in [kind.path.to_owned(), kind.item(evas)] {
            let (status, _) = send(app.request(Method::GET, &path)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        }
        for missing in ["9999", "abc", "0", "-1"] {
            let (status, _) = app.get(&c.root, &kind.item(missing)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{}", kind.item(missing));
        }
    }

    // Pharmacists have no business in journals: the list and every entry are refused alike,
    // whether or not the entry exists.
    let (status, body) = app.get(&c.pharmacist, JOURNAL.path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["detail"], "You don't have access.");
    for id in [1, 9999] {
        let (status, _) = app.get(&c.pharmacist, &JOURNAL.item(id)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn only_staff_delete_records(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    for kind in KINDS {
        let evas = write(&app, &c.root, kind, c.eva.id, "Influenza").await;
        let nils = write(&app, &c.root, kind, c.nils.id, "Migraine").await;
        let (_, page) = app.get(&c.root, kind.path).await;
        assert_eq!(page["total_items"], 2);

        // Nobody but staff deletes a record: the same answer for every id.
        let refused = [
            (&c.doctor, evas, StatusCode::FORBIDDEN),
            (&c.operator, evas, StatusCode::FORBIDDEN),
            (&c.pharmacist, evas, StatusCode::FORBIDDEN),
            (&c.eva, evas, StatusCode::FORBIDDEN),
            (&c.eva, nils, StatusCode::FORBIDDEN),
        ];
        for (who, id, expected) in refused {
            let (status, body) = app.delete(who, &kind.item(id)).await;
            assert_eq!(status, expected, "{} deletes {}", who.email, kind.item(id));
            assert!(body["detail"].is_string());
        }
        let (status, _) = send(app.request(Method::DELETE, &kind.item(evas))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let (status, body) = app.delete(&c.admin, &kind.item(evas)).await;
        assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
        let (status, _) = app.get(&c.root, &kind.item(evas)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.delete(&c.admin, &kind.item(evas)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "gone");
        let (_, page) = app.get(&c.root, kind.path).await;
        assert_eq!((ids(&page), page["total_items"].as_u64()), (vec![nils], Some(1)));

        let (status, _) = app.delete(&c.root, &kind.item(nils)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        for missing in ["9999", "abc"] {
            let (status, _) = app.delete(&c.root, &kind.item(missing)).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }
    assert_eq!(rows(&app).await, (0, 0));
}

/// About 10 kB of what careless code mangles: markup, SQL, quotes, backslashes, line breaks of
/// both kinds, tabs, accents, emoji, and white space at both ends.
fn awkward_text() -> String {
    let chunk = "Åsa's <script>alert('x')</script> '; DROP TABLE patient_cards; --\r\n\
                 \t\"quoted\" \\back\\slash\\ 100% _done_ 😷💊 naïve café — Øresund\n";
    let mut text = String::from("  ");
    while text.len() < 10_240 {
        text.push_str(chunk);
    }
    text.push_str("  \n");
    text
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn records_keep_their_text_exactly_and_the_email_keeps_it_private(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    let title = "  Åsa's <b>flu</b> 😷 '; DROP TABLE users; --  ";
    let text = awkward_text();
    assert!(text.len() >= 10_000);
    for (made, kind) in KINDS.into_iter().enumerate() {
        let mut body = kind.body(c.eva.id, title);
        body["description"] = json!(text);
        if kind.planning {
            body["planning"] = json!(format!("{text}\nPlan B"));
        }
        let writer = writer(&c, kind);
        let (status, created) = post(&app, writer, kind.path, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");

        let mut keys: Vec<&str> = created.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected = vec!["created_at", "description", "id", "updated_at", "user"];
        expected.extend(if kind.planning { vec!["diagnosis", "planning"] } else { vec!["recipe"] });
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(created["created_at"], "2026-11-26T11:00:00Z");
        assert_eq!(created["updated_at"], "2026-11-26T11:00:00Z");
        assert_eq!(created["user"]["id"], c.eva.id);
        assert_eq!(created["user"]["profile"]["name"], "Eva");

        let id = created["id"].as_u64().unwrap();
        let (_, detail) = app.get(&c.eva, &kind.item(id)).await;
        let (_, page) = app.get(&c.root, kind.path).await;
        for shown in [&created, &detail, &page["data"][0]] {
            for field in kind.text_fields() {
                assert_eq!(shown[field], body[field], "{} {field} byte for byte", kind.path);
            }
        }

        // One e-mail, to the patient, saying that there is something new and nothing of what.
        // Activation and welcome came first.
        let emails = app.wait_for_emails("eva@clinic.test", 3 + made).await;
        let news: Vec<_> = emails.iter().filter(|e| e.subject == kind.subject).collect();
        assert_eq!(news.len(), 1, "{}", kind.path);
        assert!(news[0].text.contains("Eva") && news[0].html.contains("Eva"));
        for part in [&news[0].subject, &news[0].text, &news[0].html] {
            for secret in
                ["flu", "DROP TABLE", "alert(", "😷", "paracetamol", "Follow-up", "Plan B"]
            {
                assert!(!part.contains(secret), "{} e-mail shows {secret:?}: {part}", kind.path);
            }
        }
        assert_eq!(kind.announcements(&app), 1, "nobody else is told, not even the author");
    }
    assert_eq!(rows(&app).await, (1, 1));
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn each_new_record_is_announced_once(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    for kind in KINDS {
        for n in 1..=3 {
            write(&app, &c.root, kind, c.nils.id, "Influenza").await;
            let emails = app.wait_for_emails("nils@clinic.test", 2 + n).await;
            let news = emails.iter().filter(|e| e.subject == kind.subject).count();
            assert_eq!(news, n, "{} after {n}", kind.path);
        }
    }
    // Delivered at once, not left for the retry pass.
    let waiting = count(&app.db, "SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL").await;
    assert_eq!(waiting, 0);
    for kind in KINDS {
        assert_eq!(kind.announcements(&app), 3, "to nils only");
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn record_text_is_required_and_bounded(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    for kind in KINDS {
        let invalid = |body: Value| {
            let (app, root) = (&app, &c.root);
            async move {
                let (status, answer) = post(app, root, kind.path, &body).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
                assert_eq!(answer["detail"], "Invalid data.");
                answer["errors"].clone()
            }
        };
        let all_fields = || kind.text_fields().into_iter().chain(["user_id"]);

        let errors = invalid(json!({})).await;
        for field in all_fields() {
            assert_eq!(errors[field][0], "This field is required.", "{} {field}", kind.path);
        }
        let nulls: serde_json::Map<String, Value> =
            all_fields().map(|f| (f.to_owned(), Value::Null)).collect();
        let errors = invalid(Value::Object(nulls)).await;
        assert!(all_fields().all(|f| errors[f][0] == "This field is required."), "{errors}");

        for blank in ["", "   ", "\n\t \r\n"] {
            let mut body = kind.body(c.eva.id, blank);
            for field in kind.text_fields() {
                body[field] = json!(blank);
            }
            let errors = invalid(body).await;
            for field in kind.text_fields() {
                assert_eq!(errors[field][0], "This field may not be blank.", "{field} {blank:?}");
            }
        }

        let mut body = kind.body(c.eva.id, &"é".repeat(101));
        for field in kind.text_fields().into_iter().skip(1) {
            body[field] = json!("x".repeat(20_001));
        }
        let errors = invalid(body).await;
        assert_eq!(errors[kind.title][0], "Use at most 100 characters.");
        assert_eq!(errors["description"][0], "Use at most 20000 characters.");

        let wrong_types = [json!(5), json!(["Influenza"]), json!({"text": "x"}), json!(true)];
        for wrong in wrong_types {
            let mut body = kind.body(c.eva.id, "x");
            for field in kind.text_fields() {
                body[field] = wrong.clone();
            }
            let errors = invalid(body).await;
            assert!(kind.text_fields().iter().all(|f| errors[f][0] == "Must be text."), "{errors}");
        }
        for wrong in
            [json!("7"), json!(-1), json!(0), json!(1.5), json!(true), json!([7]), json!(1e20)]
        {
            let mut body = kind.body(c.eva.id, "x");
            body["user_id"] = wrong;
            let errors = invalid(body).await;
            assert_eq!(errors.as_object().unwrap().len(), 1, "{errors}");
            assert!(errors["user_id"].is_array());
        }
        for not_an_object in [json!([1]), json!("text"), json!(42)] {
            let (status, body) = post(&app, &c.root, kind.path, &not_an_object).await;
            assert_eq!(
                (status, body),
                (StatusCode::BAD_REQUEST, json!({"detail": "Invalid request format."}))
            );
        }
        let malformed = app
            .as_user(&c.root, Method::POST, kind.path)
            .header("content-type", "application/json")
            .body("{\"description\": ");
        let (status, body) = send(malformed).await;
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, json!({"detail": "Invalid request format."}))
        );
    }
    assert_eq!(rows(&app).await, (0, 0));
    assert_eq!(JOURNAL.announcements(&app) + PRESCRIPTIONS.announcements(&app), 0);

    // The limits themselves are allowed, counted in characters, not bytes.
    for kind in KINDS {
        let mut body = kind.body(c.eva.id, &"😷".repeat(100));
        for field in kind.text_fields().into_iter().skip(1) {
            body[field] = json!("Å".repeat(20_000));
        }
        let (status, created) = post(&app, &c.root, kind.path, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{}", kind.path);
        for field in kind.text_fields() {
            assert_eq!(created[field], body[field]);
        }
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn records_are_written_for_patients_only(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let c = Clinic::open(&app).await;
    for kind in KINDS {
        let not_patients =
            [c.root.id, c.admin.id, c.doctor.id, c.operator.id, c.pharmacist.id, 9999, u64::MAX];
        for user_id in not_patients {
            let (status, body) = post(&app, &c.root, kind.path, &kind.body(user_id, "x")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{} for {user_id}", kind.path);
            assert_eq!(
                body["errors"]["user_id"][0],
                "Choose a patient: there is no patient with this id."
            );
        }
        // A blocked patient is still a patient, whose records the clinic keeps writing.
        write(&app, &c.root, kind, c.nils.id, "x").await;
    }
    app.patch(&c.root, &format!("/users/{}/block", c.eva.id), json!({})).await;
    for kind in KINDS {
        write(&app, &c.root, kind, c.eva.id, "x").await;
    }
    assert_eq!(rows(&app).await, (2, 2));
}

/// Four patients on file, with one record each.
async fn records_of_four_patients(app: &TestApp, author: &Session, kind: Kind) -> [u64; 4] {
    let people = [
        ("asa", "Åsa", "Öberg", "Influenza A"),
        ("erik", "Erik", "Lind", "Migraine"),
        ("jose", "José", "Núñez", "Influenza B"),
        ("anna", "Anna", "Åberg", "Hypertension 100%"),
    ];
    let mut records = [0; 4];
    for (slot, (login, name, surname, title)) in records.iter_mut().zip(people) {
        let email = format!("{login}.{}@clinic.test", kind.title);
        let person = Person {
            email: &email,
            name,
            surname,
            date_of_birth: "1980-01-01",
            city: "Malmö",
            country: "Sverige",
            gender: "Female",
        };
        let patient = insert_person(&app.db, person).await;
        *slot = write(app, author, kind, patient, title).await;
    }
    records
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_record_filter_has_its_effect(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    for kind in KINDS {
        let [asa, erik, jose, anna] = records_of_four_patients(&app, &root, kind).await;
        let t = kind.title;
        let cases: Vec<(String, Vec<u64>)> = vec![
            (format!("{t}=influenza"), vec![asa, jose]),
            (format!("{t}=INFLUENZA%20b"), vec![jose]),
            (format!("{t}=100%25"), vec![anna]),
            (format!("{t}=%25"), vec![anna]),
            (format!("{t}=_"), vec![]),
            ("patient_name=asa".into(), vec![asa]),
            ("patient_name=JOSE".into(), vec![jose]),
            ("patient_surname=berg".into(), vec![asa, anna]),
            ("patient_surname=nunez".into(), vec![jose]),
            (format!("patient_name=jos&{t}=influenza"), vec![jose]),
            (format!("patient_name=erik&{t}=influenza"), vec![]),
            ("order=-id".into(), vec![anna, jose, erik, asa]),
            (format!("order=-id&{t}=influenza"), vec![jose, asa]),
            ("order=id".into(), vec![asa, erik, jose, anna]),
            ("unknown_parameter=1&patient_surname=".into(), vec![asa, erik, jose, anna]),
        ];
        for (query, expected) in cases {
            let (status, page) = app.get(&root, &format!("{}?{query}", kind.path)).await;
            assert_eq!(status, StatusCode::OK, "{query}: {page}");
            assert_eq!(ids(&page), expected, "{} {query}", kind.path);
            assert_eq!(page["total_items"], expected.len(), "{} {query}", kind.path);
        }
        for bad in ["order=name", "order=-created_at", "order=ID", "page=0", "size=abc"] {
            let (status, body) = app.get(&root, &format!("{}?{bad}", kind.path)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
            let parameter = bad.split('=').next().unwrap();
            assert!(body["errors"][parameter].is_array(), "{bad}: {body}");
        }
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn record_lists_are_paged_and_their_totals_follow_changes(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let eva = app.patient("eva@clinic.test").await;
    let nils = app.patient_named("nils@clinic.test", "Nils", "Berg").await;
    for kind in KINDS {
        let mut all = Vec::new();
        for n in 0..12 {
            let patient = if n % 4 == 0 { eva.id } else { nils.id };
            all.push(write(&app, &root, kind, patient, &format!("Visit {n}")).await);
        }
        let (status, page) = app.get(&root, kind.path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (page["total_items"].as_u64(), page["total_pages"].as_u64()),
            (Some(12), Some(3))
        );
        assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(false), Some(true)));
        assert_eq!(ids(&page), all[..5]);
        let (_, page) = app.get(&root, &format!("{}?page=3", kind.path)).await;
        assert_eq!(ids(&page), all[10..]);
        assert_eq!((page["prev"].as_bool(), page["next"].as_bool()), (Some(true), Some(false)));
        let (_, page) = app.get(&root, &format!("{}?size=10&page=2&order=-id", kind.path)).await;
        assert_eq!(ids(&page), [all[1], all[0]]);
        let (_, page) = app.get(&root, &format!("{}?size=1000", kind.path)).await;
        assert_eq!((ids(&page), page["total_pages"].as_u64()), (all.clone(), Some(1)));
        let (status, body) = app.get(&root, &format!("{}?page=4", kind.path)).await;
        assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"detail": "Invalid page."})));

        // A patient's total is their own, whatever was counted for staff before.
        let (_, page) = app.get(&eva, kind.path).await;
        assert_eq!(page["total_items"], 3);
        assert_eq!(ids(&page), [all[0], all[4], all[8]]);

        // Totals follow new and deleted records at once.
        app.delete(&root, &kind.item(all[1])).await;
        let (_, page) = app.get(&root, kind.path).await;
        assert_eq!(page["total_items"], 11);
        write(&app, &root, kind, eva.id, "Visit 12").await;
        let (_, page) = app.get(&root, kind.path).await;
        assert_eq!(page["total_items"], 12);
        let (_, page) = app.get(&eva, kind.path).await;
        assert_eq!(page["total_items"], 4);
    }

    // ... and renamed patients, since the name filters read their profiles.
    for kind in KINDS {
        let (_, page) = app.get(&root, &format!("{}?patient_surname=berg", kind.path)).await;
        assert_eq!(page["total_items"], 8, "{}", kind.path);
    }
    let renamed = app
        .patch(&root, &format!("/users/{}", eva.id), json!({"profile": {"surname": "Berg"}}))
        .await;
    assert_eq!(renamed.0, StatusCode::OK, "{}", renamed.1);
    for kind in KINDS {
        let (_, page) = app.get(&root, &format!("{}?patient_surname=berg", kind.path)).await;
        assert_eq!(page["total_items"], 12, "{}", kind.path);
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn records_are_never_edited(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let root = app.superuser().await;
    let eva = app.patient("eva@clinic.test").await;
    for kind in KINDS {
        let id = write(&app, &root, kind, eva.id, "Influenza").await;
        for (method, path) in [
            (Method::PATCH, kind.item(id)),
            (Method::PUT, kind.item(id)),
            (Method::PATCH, kind.path.to_owned()),
            (Method::DELETE, kind.path.to_owned()),
        ] {
            let request =
                app.as_user(&root, method.clone(), &path).json(&kind.body(eva.id, "Cold"));
            let (status, body) = send(request).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_eq!(body["detail"], "Method not allowed.");
        }
        let (_, record) = app.get(&root, &kind.item(id)).await;
        assert_eq!(record[kind.title], "Influenza");
    }
}
