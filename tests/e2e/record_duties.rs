//! The medical record's duties (API.md, "Medical records"): the audit trail, sick-leave
//! certificates, PDFs and the patient's data export.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{Clinic, Session, TestApp, count, send};

/// What the clinic has on Eva: one record of each kind.
struct Records {
    entry: u64,
    prescription: u64,
    certificate: u64,
    visit: u64,
    booking: u64,
}

async fn created(app: &TestApp, by: &Session, path: &str, body: Value) -> u64 {
    let (status, body) = send(app.as_user(by, Method::POST, path).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "POST {path}: {body}");
    body["id"].as_u64().unwrap()
}

fn certificate_body(patient: u64) -> Value {
    json!({"user_id": patient, "date_from": "2026-11-26", "date_to": "2026-12-02",
           "diagnosis": "Akut bronkit", "notes": "Vila hemma; inget arbete med kunder."})
}

/// Eva's records; her visit is this afternoon, so the journal entry the doctor wrote today is
/// the visit's.
async fn records_of(app: &TestApp, clinic: &Clinic, patient: u64) -> Records {
    let entry = json!({"user_id": patient, "diagnosis": "Hypertoni",
                       "description": "Blodtrycket förhöjt vid tre mätningar.",
                       "planning": "Kontroll om två veckor."});
    let entry = created(app, &clinic.doctor, "/patient_card", entry).await;
    let prescription = json!({"user_id": patient, "recipe": "Enalapril 5 mg",
                              "description": "En tablett dagligen."});
    let prescription = created(app, &clinic.pharmacist, "/patient_recipe", prescription).await;
    let certificate = created(app, &clinic.doctor, "/sick_leave", certificate_body(patient)).await;
    let visit = json!({"user_id": patient, "doctor_id": clinic.doctor.id,
                       "date_time": "2026-11-26T15:00"});
    let visit = created(app, &clinic.operator, "/booking_doctor", visit).await;
    let modality = created(app, &clinic.root, "/diagnostics", json!({"modality": "MRI"})).await;
    let booking = json!({"user_id": patient, "diagnostics_id": modality,
                         "date_time": "2026-12-02T10:00"});
    let booking = created(app, &clinic.operator, "/booking_diagnostic", booking).await;
    Records { entry, prescription, certificate, visit, booking }
}

/// The GET operations that show no patient's record or profile, and so are not audited. Every
/// other GET of the OpenAPI document must be in [`audited_reads`]: a new read path cannot be
/// forgotten.
const UNAUDITED_READS: &[&str] = &[
    "GET /health",
    "GET /auth/socket",
    "GET /auth/qhealth_role",
    "GET /users/verify_email/{token}",
    "GET /roles",
    "GET /roles/{id}",
    "GET /roles/doctor_list",
    "GET /roles/doctor_list/{id}",
    "GET /diagnostics",
    "GET /diagnostics/{id}",
    "GET /booking_doctor/hours/{id}",
    "GET /booking_doctor/free_slots",
    // The sign-in log is the security record itself, for staff.
    "GET /security",
    // Reading the trail is not a read of a record (and auditing it would never end).
    "GET /audit",
];

/// An audited read: the operation, a path that reads Eva's data through it, and the event it
/// must write.
struct AuditedRead {
    operation: &'static str,
    path: String,
    action: &'static str,
    record: &'static str,
    record_id: Option<u64>,
}

fn audited_reads(records: &Records, eva: u64) -> Vec<AuditedRead> {
    let read = |operation, path: String, action, record, record_id| AuditedRead {
        operation,
        path,
        action,
        record,
        record_id,
    };
    let Records { entry, prescription, certificate, visit, booking } = *records;
    vec![
        read("GET /users", "/users?size=25".into(), "list", "patient", None),
        read("GET /users/{id}", format!("/users/{eva}"), "read", "patient", Some(eva)),
        read("GET /users/patient", "/users/patient".into(), "list", "patient", None),
        read(
            "GET /users/patient/{id}",
            format!("/users/patient/{eva}"),
            "read",
            "patient",
            Some(eva),
        ),
        read("GET /patient_card", "/patient_card".into(), "list", "journal_entry", None),
        read(
            "GET /patient_card/{id}",
            format!("/patient_card/{entry}"),
            "read",
            "journal_entry",
            Some(entry),
        ),
        read(
            "GET /patient_card/{id}/pdf",
            format!("/patient_card/{entry}/pdf"),
            "pdf",
            "journal_entry",
            Some(entry),
        ),
        read("GET /patient_recipe", "/patient_recipe".into(), "list", "prescription", None),
        read(
            "GET /patient_recipe/{id}",
            format!("/patient_recipe/{prescription}"),
            "read",
            "prescription",
            Some(prescription),
        ),
        read(
            "GET /patient_recipe/{id}/pdf",
            format!("/patient_recipe/{prescription}/pdf"),
            "pdf",
            "prescription",
            Some(prescription),
        ),
        read("GET /sick_leave", "/sick_leave".into(), "list", "sick_leave", None),
        read(
            "GET /sick_leave/{id}",
            format!("/sick_leave/{certificate}"),
            "read",
            "sick_leave",
            Some(certificate),
        ),
        read(
            "GET /sick_leave/{id}/pdf",
            format!("/sick_leave/{certificate}/pdf"),
            "pdf",
            "sick_leave",
            Some(certificate),
        ),
        read("GET /booking_doctor", "/booking_doctor".into(), "list", "doctor_visit", None),
        read(
            "GET /booking_doctor/{id}",
            format!("/booking_doctor/{visit}"),
            "read",
            "doctor_visit",
            Some(visit),
        ),
        read(
            "GET /booking_doctor/{id}/pdf",
            format!("/booking_doctor/{visit}/pdf"),
            "pdf",
            "doctor_visit",
            Some(visit),
        ),
        read(
            "GET /booking_diagnostic",
            "/booking_diagnostic".into(),
            "list",
            "diagnostic_booking",
            None,
        ),
        read(
            "GET /booking_diagnostic/{id}",
            format!("/booking_diagnostic/{booking}"),
            "read",
            "diagnostic_booking",
            Some(booking),
        ),
        read("GET /export/{id}", format!("/export/{eva}"), "export", "export", None),
        read("GET /export/{id}/pdf", format!("/export/{eva}/pdf"), "export", "export", None),
    ]
}

/// Every GET operation of the OpenAPI document the gateway serves.
fn documented_reads() -> BTreeSet<String> {
    let json = qhealth_local::openapi_json(qhealth_local::api_routes().into_openapi());
    let document: Value = serde_json::from_str(&json).unwrap();
    document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| item.get("get").is_some())
        .map(|(path, _)| format!("GET {path}"))
        .collect()
}

async fn events(db: &MySqlPool) -> i64 {
    count(db, "SELECT COUNT(*) FROM audit_events").await
}

/// The newest event, as staff read it.
async fn newest_event(app: &TestApp, staff: &Session) -> Value {
    let (status, page) = app.get(staff, "/audit?order=-id&size=1").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["data"][0].clone()
}

/// The body of a GET, whatever its type.
async fn get_bytes(app: &TestApp, session: &Session, path: &str) -> (StatusCode, Vec<u8>) {
    let response = app.as_user(session, Method::GET, path).send().await.unwrap();
    let status = response.status();
    (status, response.bytes().await.unwrap().to_vec())
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_read_path_writes_exactly_one_audit_event(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let eva = clinic.eva.id;
    let records = records_of(&app, &clinic, eva).await;
    let reads = audited_reads(&records, eva);

    let audited: BTreeSet<String> = reads.iter().map(|r| r.operation.to_owned()).collect();
    let unaudited: BTreeSet<String> = UNAUDITED_READS.iter().map(|r| (*r).to_owned()).collect();
    assert!(audited.is_disjoint(&unaudited));
    let classified: BTreeSet<String> = audited.union(&unaudited).cloned().collect();
    assert_eq!(documented_reads(), classified, "every documented GET is audited or said not to be");

    for read in &reads {
        // Staff export; the doctor reads everything else.
        let reader = if read.action == "export" { &clinic.admin } else { &clinic.doctor };
        let before = events(&app.db).await;
        let (status, body) = get_bytes(&app, reader, &read.path).await;
        assert_eq!(status, StatusCode::OK, "{}: {}", read.path, String::from_utf8_lossy(&body));
        assert_eq!(events(&app.db).await, before + 1, "{}: exactly one event", read.path);

        let event = newest_event(&app, &clinic.root).await;
        assert_eq!(event["action"], read.action, "{}", read.path);
        assert_eq!(event["record"], read.record, "{}", read.path);
        assert_eq!(event["record_id"], json!(read.record_id), "{}", read.path);
        assert_eq!(event["actor"]["id"], reader.id, "{}", read.path);
        let shown = event["patient_ids"].as_array().unwrap();
        assert!(shown.contains(&json!(eva)), "{}: {event}", read.path);
        assert_eq!(event["ip_address"], "127.0.0.1", "{}", read.path);
    }

    // Eva reading her own records is hers to do: nothing is recorded, but her exports are.
    for read in &reads {
        let before = events(&app.db).await;
        let (status, _) = get_bytes(&app, &clinic.eva, &read.path).await;
        let recorded = events(&app.db).await - before;
        match (status, read.action) {
            (StatusCode::OK, "export") => assert_eq!(recorded, 1, "{}", read.path),
            (StatusCode::OK, _) => assert_eq!(recorded, 0, "{}", read.path),
            // Lists of every user are not a patient's to read.
            (StatusCode::FORBIDDEN, _) => assert_eq!(recorded, 0, "{}", read.path),
            (other, _) => panic!("{}: {other}", read.path),
        }
    }
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn refused_reads_record_nothing(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let eva = clinic.eva.id;
    let records = records_of(&app, &clinic, eva).await;
    let before = events(&app.db).await;

    // Another patient: Eva's certificates, PDFs and export do not exist for Nils.
    for path in [
        format!("/sick_leave/{}", records.certificate),
        format!("/sick_leave/{}/pdf", records.certificate),
        format!("/patient_card/{}/pdf", records.entry),
        format!("/patient_recipe/{}/pdf", records.prescription),
        format!("/booking_doctor/{}/pdf", records.visit),
        format!("/export/{eva}"),
        format!("/export/{eva}/pdf"),
    ] {
        let (status, body) = app.get(&clinic.nils, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    // Roles that read none of a kind are refused alike, whatever the id.
    for (who, path) in [
        (&clinic.pharmacist, format!("/sick_leave/{}", records.certificate)),
        (&clinic.pharmacist, format!("/patient_card/{}/pdf", records.entry)),
        (&clinic.pharmacist, "/sick_leave".to_owned()),
        (&clinic.doctor, format!("/export/{eva}")),
        (&clinic.operator, format!("/export/{eva}/pdf")),
        (&clinic.doctor, "/audit".to_owned()),
    ] {
        let (status, body) = app.get(who, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    // Staff asking for the export of someone who is not a patient.
    let (status, _) = app.get(&clinic.root, &format!("/export/{}", clinic.doctor.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(events(&app.db).await, before, "a refused request read nothing");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn audit_events_cannot_be_changed(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let records = records_of(&app, &clinic, clinic.eva.id).await;
    app.get(&clinic.doctor, &format!("/patient_card/{}", records.entry)).await;
    let snapshot = |db: MySqlPool| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT CAST(JSON_ARRAYAGG(JSON_OBJECT('id', id, 'at', occurred_at, 'actor', actor_id,
                    'action', action, 'record', record, 'patients', patient_ids)) AS CHAR)
             FROM audit_events",
        )
        .fetch_one(&db)
        .await
        .unwrap()
    };
    let before = snapshot(app.db.clone()).await;
    let event = newest_event(&app, &clinic.root).await;
    let id = event["id"].as_u64().unwrap();

    for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::POST] {
        for path in ["/audit".to_owned(), format!("/audit/{id}")] {
            let request = app.as_user(&clinic.root, method.clone(), &path).json(&json!({}));
            let (status, _) = send(request).await;
            assert!(
                matches!(status, StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_FOUND),
                "{method} {path}: {status}"
            );
        }
    }
    // Nor through SQL: the database refuses to change or delete an event.
    let update = sqlx::query("UPDATE audit_events SET actor_id = 1").execute(&app.db).await;
    assert!(update.is_err(), "an UPDATE of an event is refused");
    let delete = sqlx::query("DELETE FROM audit_event_patients").execute(&app.db).await;
    assert!(delete.is_err(), "a DELETE of an event's patients is refused");
    // The reads above were staff reading the trail itself, which is not recorded.
    assert_eq!(snapshot(app.db.clone()).await, before);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_patient_sees_who_read_their_record(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let (eva, nils) = (clinic.eva.id, clinic.nils.id);
    let records = records_of(&app, &clinic, eva).await;
    let nils_entry = json!({"user_id": nils, "diagnosis": "Migrän",
                            "description": "Huvudvärk.", "planning": "Vila."});
    created(&app, &clinic.doctor, "/patient_card", nils_entry).await;
    // A list page showing both patients, then Eva's entry alone.
    let (status, _) = app.get(&clinic.operator, "/patient_card?size=25").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.get(&clinic.doctor, &format!("/patient_card/{}", records.entry)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, page) = app.get(&clinic.eva, "/audit?order=-id&size=25").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let read = &page["data"][0];
    assert_eq!(read["action"], "read");
    assert_eq!(read["record"], "journal_entry");
    assert_eq!(read["record_id"], records.entry);
    assert_eq!(read["actor"]["id"], clinic.doctor.id);
    assert_eq!(read["actor"]["role"], "doctor");
    assert_eq!(read["actor"]["surname"], "Lind", "the reader's name, as the harness gave it");
    assert_eq!(read["ip_address"], Value::Null, "a patient does not see the reader's address");
    let listed = &page["data"][1];
    assert_eq!(listed["action"], "list");
    assert_eq!(listed["actor"]["role"], "operator");
    assert_eq!(listed["patient_ids"], json!([eva]), "the other patient on the page is not shown");
    for event in page["data"].as_array().unwrap() {
        assert_eq!(event["patient_ids"], json!([eva]), "{event}");
    }

    // Nils sees his own events only, whatever he asks for.
    let (_, his) = app.get(&clinic.nils, &format!("/audit?patient_id={eva}")).await;
    assert_eq!(his["total_items"], 0);
    let (_, his) = app.get(&clinic.nils, "/audit?size=25").await;
    let shown: Vec<&Value> = his["data"].as_array().unwrap().iter().collect();
    assert!(shown.iter().all(|event| event["patient_ids"] == json!([nils])), "{his}");

    // Staff filter by patient, reader, action, record and date.
    let (_, staff) = app.get(&clinic.root, &format!("/audit?patient_id={eva}&size=25")).await;
    assert_eq!(staff["total_items"], page["total_items"]);
    let (_, by_doctor) = app
        .get(
            &clinic.root,
            &format!("/audit?actor_id={}&action=read&record=journal_entry", clinic.doctor.id),
        )
        .await;
    assert_eq!(by_doctor["total_items"], 1, "{by_doctor}");
    assert_eq!(by_doctor["data"][0]["ip_address"], "127.0.0.1");
    let (_, today) = app.get(&clinic.root, "/audit?date_from=2026-11-26&date_to=2026-11-26").await;
    let (_, all) = app.get(&clinic.root, "/audit").await;
    assert_eq!(today["total_items"], all["total_items"], "everything happened today");
    let (_, tomorrow) = app.get(&clinic.root, "/audit?date_from=2026-11-27").await;
    assert_eq!(tomorrow["total_items"], 0);
    for bad in ["action=peek", "record=x", "patient_id=0", "date_from=2026-13-01", "order=at"] {
        let (status, body) = app.get(&clinic.root, &format!("/audit?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

/// The text of a PDF, as poppler's pdftotext reads it.
fn pdf_text(pdf: &[u8]) -> String {
    assert!(
        pdf.starts_with(b"%PDF-"),
        "not a PDF: {:?}",
        String::from_utf8_lossy(&pdf[..20.min(pdf.len())])
    );
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian's poppler-utils) is installed");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "pdftotext could not read the PDF");
    String::from_utf8(output.stdout).unwrap()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn pdfs_carry_the_patient_and_the_record_in_their_own_letters(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let asa = app.patient_named("asa@clinic.test", "Åsa", "Öberg").await;
    let records = records_of(&app, &clinic, asa.id).await;

    let documents = [
        (format!("/patient_card/{}/pdf", records.entry), "Blodtrycket förhöjt vid tre mätningar."),
        (format!("/patient_recipe/{}/pdf", records.prescription), "Enalapril 5 mg"),
        (
            format!("/sick_leave/{}/pdf", records.certificate),
            "Vila hemma; inget arbete med kunder.",
        ),
        (format!("/booking_doctor/{}/pdf", records.visit), "Kontroll om två veckor."),
        (format!("/export/{}/pdf", asa.id), "Akut bronkit"),
    ];
    for (path, record_text) in documents {
        let response = app.as_user(&asa, Method::GET, &path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-type"], "application/pdf", "{path}");
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment; filename=\""), "{path}: {disposition}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}: not kept in caches");
        let text = pdf_text(&response.bytes().await.unwrap());
        assert!(text.contains("Åsa Öberg"), "{path}: the patient's name, accents and all:\n{text}");
        assert!(text.contains(record_text), "{path}: the record's text:\n{text}");
        assert!(text.contains("QHealth Medical Centre"), "{path}: the letterhead:\n{text}");
        assert!(text.contains("Page 1 of"), "{path}: page numbers:\n{text}");
    }

    // A long entry runs over several pages, each numbered.
    let long = "Anamnes: återkommande huvudvärk sedan flera år. ".repeat(400);
    let body = json!({"user_id": asa.id, "diagnosis": "Migrän", "description": long,
                      "planning": "Uppföljning."});
    let entry = created(&app, &clinic.doctor, "/patient_card", body).await;
    let (status, pdf) =
        get_bytes(&app, &clinic.doctor, &format!("/patient_card/{entry}/pdf")).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    let pages = text.matches("Page ").count();
    assert!(pages >= 3, "{pages} pages");
    assert!(text.contains(&format!("Page {pages} of {pages}")), "{text}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_doctor_issues_a_certificate_that_is_never_edited(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let eva = clinic.eva.id;
    let mails_before = app.emails_to(&clinic.eva.email).len();

    let (status, certificate) =
        send(app.as_user(&clinic.doctor, Method::POST, "/sick_leave").json(&certificate_body(eva)))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{certificate}");
    assert_eq!(certificate["date_from"], "2026-11-26");
    assert_eq!(certificate["date_to"], "2026-12-02");
    assert_eq!(certificate["user"]["id"], eva);
    assert_eq!(certificate["doctor"]["id"], clinic.doctor.id);
    assert_eq!(certificate["doctor"]["specialty"], "Cardiology");
    let id = certificate["id"].as_u64().unwrap();

    let mails = app.wait_for_emails(&clinic.eva.email, mails_before + 1).await;
    let mail = mails.last().unwrap();
    assert_eq!(mail.subject, "A sick-leave certificate for you");
    assert!(!mail.text.contains("bronkit"), "the e-mail never says what it says");

    // Only a doctor signs one.
    for who in [&clinic.root, &clinic.admin, &clinic.operator, &clinic.pharmacist, &clinic.eva] {
        let request = app.as_user(who, Method::POST, "/sick_leave").json(&certificate_body(eva));
        assert_eq!(send(request).await.0, StatusCode::FORBIDDEN, "{}", who.email);
    }
    // Never edited or deleted.
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let request = app.as_user(&clinic.root, method.clone(), &format!("/sick_leave/{id}"));
        assert_eq!(
            send(request.json(&json!({}))).await.0,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
    }
    // The patient reads their own; the list is theirs alone.
    let (status, own) = app.get(&clinic.eva, &format!("/sick_leave/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let (_, list) = app.get(&clinic.nils, "/sick_leave").await;
    assert_eq!(list["total_items"], 0);
    let (_, list) = app.get(&clinic.operator, "/sick_leave?diagnosis=bronk").await;
    assert_eq!(list["total_items"], 1);

    // Every failing field is named.
    let bad = json!({"user_id": clinic.doctor.id, "date_from": "2026-10-01", "date_to": "2026-09-30",
                     "diagnosis": " ", "notes": "x".repeat(2001)});
    let (status, body) =
        send(app.as_user(&clinic.doctor, Method::POST, "/sick_leave").json(&bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    for field in ["date_from", "date_to", "diagnosis", "notes"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let not_a_patient = json!({"user_id": clinic.doctor.id, "date_from": "2026-11-26",
                               "date_to": "2026-11-27", "diagnosis": "Influensa"});
    let request = app.as_user(&clinic.doctor, Method::POST, "/sick_leave").json(&not_a_patient);
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["user_id"].is_array(), "{body}");

    // The clinic keeps certificates: their patient cannot be deleted.
    let (status, body) = app.delete(&clinic.root, &format!("/users/{eva}")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("sick-leave certificates"), "{body}");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_export_holds_everything_on_the_patient(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let clinic = Clinic::open(&app).await;
    let eva = clinic.eva.id;
    let records = records_of(&app, &clinic, eva).await;
    app.get(&clinic.doctor, &format!("/patient_card/{}", records.entry)).await;

    let (status, export) = app.get(&clinic.eva, &format!("/export/{eva}")).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["patient"]["id"], eva);
    assert_eq!(export["patient"]["profile"]["city"], "Malmö");
    let ids_of = |key: &str| -> Vec<u64> {
        export[key].as_array().unwrap().iter().map(|item| item["id"].as_u64().unwrap()).collect()
    };
    assert_eq!(ids_of("journal_entries"), [records.entry]);
    assert_eq!(ids_of("prescriptions"), [records.prescription]);
    assert_eq!(ids_of("sick_leaves"), [records.certificate]);
    assert_eq!(ids_of("doctor_visits"), [records.visit]);
    assert_eq!(ids_of("diagnostic_bookings"), [records.booking]);
    assert_eq!(export["journal_entries"][0]["planning"], "Kontroll om två veckor.");
    assert!(export["journal_entries"][0].get("user").is_none(), "the patient is given once");
    assert_eq!(export["doctor_visits"][0]["doctor"]["id"], clinic.doctor.id);
    assert_eq!(export["diagnostic_bookings"][0]["booked_by"]["id"], clinic.operator.id);
    assert!(!export["login_history"].as_array().unwrap().is_empty(), "Eva signed in");
    let audit = export["audit_events"].as_array().unwrap();
    assert!(audit.iter().any(|e| e["action"] == "read" && e["actor"]["id"] == clinic.doctor.id));
    let last = audit.last().unwrap();
    assert_eq!(last["action"], "export", "the export itself is on the record: {last}");
    assert_eq!(last["actor"]["id"], eva);
    assert!(audit.iter().all(|e| e["patient_ids"] == json!([eva]) && e["ip_address"].is_null()));
}
