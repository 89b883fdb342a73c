//! Reminders a day ahead (API.md, "Scheduling", "Reminders"): bookings made through the API, the
//! clock moved, and the template's hourly schedule run through the scheduler's Lambda handler,
//! then the outbox pass that sends what it queued. The reminders and the booking e-mails carry
//! the appointment as a calendar event, read back here with a small iCalendar reader.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use qhealth::clock::Clock;
use qhealth::mail::Email;
use qhealth_scheduler::JobReport;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use crate::harness::{PASSWORD, Person, Session, TestApp, bump_users, insert_person, send};
use crate::scheduler::scheduled_event;

const VISIT_REMINDER: &str = "Reminder: your appointment tomorrow";
const DIAGNOSTIC_REMINDER: &str = "Reminder: your diagnostic appointment tomorrow";
const VISIT_BOOKED: &str = "Your doctor's appointment is booked";
const DIAGNOSTIC_BOOKED: &str = "Your diagnostic appointment";

/// The tests' clinic: a superuser who books, and a doctor.
struct Clinic {
    app: TestApp,
    root: Session,
    doctor: u64,
}

impl Clinic {
    async fn open(db: MySqlPool) -> Self {
        let app = TestApp::spawn(db).await;
        let root = app.superuser().await;
        let doctor = on_file(&app, "karin@clinic.test", "Karin", "Berg").await;
        sqlx::query(
            "INSERT INTO roles (user_id, role, specialty, created_at, updated_at) \
             VALUES (?, 'doctor', 'Cardiology', NOW(6), NOW(6))",
        )
        .bind(doctor)
        .execute(&app.db)
        .await
        .unwrap();
        bump_users(&app.db).await;
        Self { app, root, doctor }
    }

    /// Moves the clock to `at` and signs in again (access tokens last ten minutes).
    async fn at(&mut self, at: DateTime<Utc>) {
        self.app.clock.set(at);
        self.root = self.app.session(&self.root.email, PASSWORD).await;
    }

    /// Books `patient` with the doctor at `at`; the visit's id.
    async fn book_visit(&self, patient: u64, at: DateTime<Utc>) -> u64 {
        let body = json!({"user_id": patient, "doctor_id": self.doctor, "date_time": at});
        let request = self.app.as_user(&self.root, Method::POST, "/booking_doctor");
        let (status, visit) = send(request.json(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{visit}");
        visit["id"].as_u64().unwrap()
    }

    /// Books `patient` for an MRI at `at`; the booking's id.
    async fn book_diagnostic(&self, patient: u64, at: DateTime<Utc>) -> u64 {
        let request = self.app.as_user(&self.root, Method::POST, "/diagnostics");
        let (status, modality) = send(request.json(&json!({"modality": "MRI"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{modality}");
        let body = json!({"user_id": patient, "diagnostics_id": modality["id"], "date_time": at});
        let request = self.app.as_user(&self.root, Method::POST, "/booking_diagnostic");
        let (status, booking) = send(request.json(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{booking}");
        booking["id"].as_u64().unwrap()
    }

    /// The hourly schedule fires now: the reminders pass, then the outbox pass that sends what
    /// it queued. The reminders queued.
    async fn hourly_pass(&self) -> u32 {
        let now = self.app.clock.now();
        let report = qhealth_scheduler::handle(&self.app.state, scheduled_event("reminders", now))
            .await
            .unwrap();
        let JobReport::Reminders(report) = report else { panic!("ran another job: {report}") };
        let outbox = qhealth_scheduler::handle(&self.app.state, scheduled_event("outbox", now))
            .await
            .unwrap();
        let JobReport::Outbox(outbox) = outbox else { panic!("ran another job: {outbox}") };
        assert_eq!(outbox.retry_later + outbox.given_up, 0, "{outbox}");
        report.visits + report.diagnostics
    }

    fn emails(&self, address: &str, subject: &str) -> Vec<Email> {
        self.app.emails_to(address).into_iter().filter(|e| e.subject == subject).collect()
    }
}

async fn on_file(app: &TestApp, email: &str, name: &str, surname: &str) -> u64 {
    let person = Person {
        email,
        name,
        surname,
        date_of_birth: "1980-05-05",
        city: "Lund",
        country: "Sweden",
        gender: "Female",
    };
    insert_person(&app.db, person).await
}

/// A calendar's event, read from an `.ics` as RFC 5545 writes it: CRLF lines, folded ones
/// unfolded, TEXT unescaped. Panics unless it is one VEVENT in a VCALENDAR.
#[derive(Debug)]
struct Event {
    uid: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    summary: String,
    method: String,
}

fn parse_ics(ics: &str) -> Event {
    assert!(ics.ends_with("\r\n"), "{ics:?}");
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let lines: Vec<&str> = unfolded.split_terminator("\r\n").collect();
    assert!(lines.iter().all(|line| !line.contains('\n') && !line.contains('\r')), "{ics:?}");
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    let property = |name: &str| -> String {
        let found: Vec<&str> = lines
            .iter()
            .filter_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.split(';').next() == Some(name)).then_some(value)
            })
            .collect();
        assert_eq!(found.len(), 1, "one {name} in {lines:?}");
        unescape(found[0])
    };
    assert_eq!(property("VERSION"), "2.0");
    assert!(!property("PRODID").is_empty());
    let events = lines.iter().filter(|line| **line == "BEGIN:VEVENT").count();
    assert_eq!((events, lines.iter().filter(|l| **l == "END:VEVENT").count()), (1, 1));
    let utc = |name: &str| {
        let value = property(name);
        let naive = NaiveDateTime::parse_from_str(&value, "%Y%m%dT%H%M%SZ")
            .unwrap_or_else(|_| panic!("{name}:{value} is not a UTC date-time"));
        naive.and_utc()
    };
    utc("DTSTAMP");
    Event {
        uid: property("UID"),
        start: utc("DTSTART"),
        end: utc("DTEND"),
        summary: property("SUMMARY"),
        method: property("METHOD"),
    }
}

/// RFC 5545 TEXT: `\\`, `\;`, `\,` and `\n` stand for what they escape.
fn unescape(value: &str) -> String {
    let mut text = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n' | 'N') => text.push('\n'),
                Some(other) => text.push(other),
                None => {}
            },
            (c, false) => text.push(c),
        }
    }
    text
}

/// The e-mail's calendar event, checked to be a `text/calendar` attachment named `filename`.
fn event_of(email: &Email, filename: &str) -> Event {
    let attachment = email.attachment.as_ref().unwrap_or_else(|| panic!("no .ics: {email:?}"));
    assert_eq!(attachment.filename, filename);
    assert_eq!(attachment.content_type, "text/calendar; method=PUBLISH; charset=UTF-8");
    parse_ics(&attachment.content)
}

/// Where the tests start (noon in Stockholm on 26 November 2026), moved by `hours`.
fn start_plus(hours: i64) -> DateTime<Utc> {
    crate::harness::start_of_test() + Duration::hours(hours)
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_visit_three_days_ahead_is_reminded_once_a_day_before(db: MySqlPool) {
    let mut clinic = Clinic::open(db).await;
    let asa = on_file(&clinic.app, "asa@clinic.test", "Åsa", "Öberg").await;
    let visit_at = start_plus(72);
    let visit = clinic.book_visit(asa, visit_at).await;
    clinic.app.wait_for_emails("asa@clinic.test", 1).await;

    // The booking e-mail carries the event.
    let booked = event_of(&clinic.emails("asa@clinic.test", VISIT_BOOKED)[0], "visit.ics");
    assert_eq!(booked.uid, format!("visit-{visit}@qhealth.local"));
    assert_eq!((booked.start, booked.end), (visit_at, visit_at + minutes(30)));
    assert_eq!(booked.method, "PUBLISH");

    // More than 24 hours before: nothing, however often the pass runs.
    for hours in [0, 24, 47] {
        clinic.at(start_plus(hours)).await;
        assert_eq!(clinic.hourly_pass().await, 0, "{hours} h after booking");
    }
    // 23 hours before: one reminder, and no second one from the passes after it.
    clinic.at(visit_at - Duration::hours(23)).await;
    assert_eq!(clinic.hourly_pass().await, 1);
    assert_eq!(clinic.hourly_pass().await, 0);
    for hours in [22, 1] {
        clinic.at(visit_at - Duration::hours(hours)).await;
        assert_eq!(clinic.hourly_pass().await, 0);
    }
    let reminders = clinic.emails("asa@clinic.test", VISIT_REMINDER);
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    let reminder = &reminders[0];
    assert!(reminder.text.contains("Hello Åsa,"), "{}", reminder.text);
    assert!(reminder.text.contains("Karin Berg, Cardiology"), "{}", reminder.text);
    assert!(reminder.text.contains("Sunday 29 November 2026, 12:00 CET"), "{}", reminder.text);
    let event = event_of(reminder, "visit.ics");
    assert_eq!(event.start, visit_at, "DTSTART is the visit's time in UTC");
    assert_eq!(event.end, visit_at + minutes(30));
    assert_eq!(event.uid, booked.uid, "the same calendar entry as the booking's");
    assert_eq!(event.summary, "Doctor's appointment: Karin Berg");
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn cancelled_and_deleted_visits_get_no_reminder(db: MySqlPool) {
    let mut clinic = Clinic::open(db).await;
    let eva = on_file(&clinic.app, "eva@clinic.test", "Eva", "Lind").await;
    let nils = on_file(&clinic.app, "nils@clinic.test", "Nils", "Holm").await;
    let visit_at = start_plus(72);
    let cancelled = clinic.book_visit(eva, visit_at).await;
    let deleted = clinic.book_visit(nils, visit_at + Duration::hours(1)).await;
    let path = format!("/booking_doctor/cancelled/{cancelled}");
    let (status, body) = clinic.app.patch(&clinic.root, &path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let path = format!("/booking_doctor/{deleted}");
    let (status, _) = clinic.app.delete(&clinic.root, &path).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    for hours in [23, 12, 1] {
        clinic.at(visit_at - Duration::hours(hours)).await;
        assert_eq!(clinic.hourly_pass().await, 0);
    }
    assert!(clinic.emails("eva@clinic.test", VISIT_REMINDER).is_empty());
    assert!(clinic.emails("nils@clinic.test", VISIT_REMINDER).is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_visit_booked_two_hours_ahead_gets_no_reminder(db: MySqlPool) {
    let mut clinic = Clinic::open(db).await;
    let eva = on_file(&clinic.app, "eva@clinic.test", "Eva", "Lind").await;
    let visit_at = start_plus(2);
    clinic.book_visit(eva, visit_at).await;
    clinic.app.wait_for_emails("eva@clinic.test", 1).await;
    let booked = event_of(&clinic.emails("eva@clinic.test", VISIT_BOOKED)[0], "visit.ics");
    assert_eq!(booked.start, visit_at, "its booking e-mail has the event");

    assert_eq!(clinic.hourly_pass().await, 0);
    clinic.at(start_plus(1)).await;
    assert_eq!(clinic.hourly_pass().await, 0);
    assert!(clinic.emails("eva@clinic.test", VISIT_REMINDER).is_empty());
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_diagnostic_booking_moved_after_its_reminder_is_reminded_of_its_new_time(db: MySqlPool) {
    let mut clinic = Clinic::open(db).await;
    let eva = on_file(&clinic.app, "eva@clinic.test", "Eva", "Lind").await;
    let first = start_plus(72);
    let booking = clinic.book_diagnostic(eva, first).await;
    clinic.app.wait_for_emails("eva@clinic.test", 1).await;
    let booked =
        event_of(&clinic.emails("eva@clinic.test", DIAGNOSTIC_BOOKED)[0], "diagnostic.ics");
    assert_eq!(booked.uid, format!("diagnostic-{booking}@qhealth.local"));
    assert_eq!((booked.start, booked.end), (first, first + minutes(30)), "30 minutes long");

    clinic.at(first - Duration::hours(23)).await;
    assert_eq!(clinic.hourly_pass().await, 1);
    assert_eq!(clinic.hourly_pass().await, 0);

    // Moved three days on, after its reminder: the move's e-mail has the new time, and a day
    // before it, a reminder of it.
    let moved = first + Duration::days(3);
    let path = format!("/booking_diagnostic/{booking}");
    let (status, body) = clinic.app.patch(&clinic.root, &path, json!({"date_time": moved})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    clinic.app.wait_for_emails("eva@clinic.test", 3).await;
    let move_mail = clinic.emails("eva@clinic.test", DIAGNOSTIC_BOOKED);
    assert_eq!(event_of(&move_mail[1], "diagnostic.ics").start, moved);
    for at in [first - Duration::hours(1), first + Duration::hours(1), moved - Duration::hours(25)]
    {
        clinic.at(at).await;
        assert_eq!(clinic.hourly_pass().await, 0, "nothing at {at}");
    }
    clinic.at(moved - Duration::hours(23)).await;
    assert_eq!(clinic.hourly_pass().await, 1);
    assert_eq!(clinic.hourly_pass().await, 0);

    let reminders = clinic.emails("eva@clinic.test", DIAGNOSTIC_REMINDER);
    let starts: Vec<DateTime<Utc>> =
        reminders.iter().map(|email| event_of(email, "diagnostic.ics").start).collect();
    assert_eq!(starts, [first, moved]);
    assert!(reminders[1].text.contains("MRI"), "{}", reminders[1].text);
    let uids: Vec<String> =
        reminders.iter().map(|email| event_of(email, "diagnostic.ics").uid).collect();
    assert_eq!(uids, [booked.uid.clone(), booked.uid]);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_diagnostic_booking_moved_before_its_reminder_is_reminded_of_the_new_time_only(
    db: MySqlPool,
) {
    let mut clinic = Clinic::open(db).await;
    let eva = on_file(&clinic.app, "eva@clinic.test", "Eva", "Lind").await;
    let first = start_plus(72);
    let booking = clinic.book_diagnostic(eva, first).await;
    let moved = first + Duration::days(1);
    let path = format!("/booking_diagnostic/{booking}");
    let (status, body) = clinic.app.patch(&clinic.root, &path, json!({"date_time": moved})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    clinic.at(first - Duration::hours(23)).await;
    assert_eq!(clinic.hourly_pass().await, 0, "not of the old time");
    clinic.at(moved - Duration::hours(23)).await;
    assert_eq!(clinic.hourly_pass().await, 1);
    let reminders = clinic.emails("eva@clinic.test", DIAGNOSTIC_REMINDER);
    assert_eq!(reminders.len(), 1);
    assert_eq!(event_of(&reminders[0], "diagnostic.ics").start, moved);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn a_request_without_a_time_gets_no_reminder_until_it_has_one(db: MySqlPool) {
    let mut clinic = Clinic::open(db).await;
    let patient = clinic.app.patient("eva@clinic.test").await;
    let request = clinic.app.as_user(&clinic.root, Method::POST, "/diagnostics");
    let (_, modality) = send(request.json(&json!({"modality": "CT"}))).await;
    let request = clinic.app.as_user(&patient, Method::POST, "/booking_diagnostic");
    let (status, booking): (StatusCode, Value) =
        send(request.json(&json!({"diagnostics_id": modality["id"]}))).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    assert_eq!(clinic.hourly_pass().await, 0);

    // The clinic sets a time two days ahead: reminded the day before it.
    let at = start_plus(48);
    let path = format!("/booking_diagnostic/{}", booking["id"]);
    let (status, body) = clinic.app.patch(&clinic.root, &path, json!({"date_time": at})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(clinic.hourly_pass().await, 0);
    clinic.at(at - Duration::hours(23)).await;
    assert_eq!(clinic.hourly_pass().await, 1);
    let reminders = clinic.emails("eva@clinic.test", DIAGNOSTIC_REMINDER);
    assert_eq!(event_of(&reminders[0], "diagnostic.ics").start, at);
}
