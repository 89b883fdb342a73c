//! The scheduler's Lambda handler fed the events the template's schedules send — their `Input`,
//! read from template.yaml, filled in as EventBridge Scheduler fills it — against the database a
//! gateway works on: a patient registered through the API is greeted on their birthday, once.

use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use qhealth_scheduler::{Context, EventBridgeEvent, JobError, JobReport, LambdaEvent};
use serde_json::{Value, json};
use sqlx::MySqlPool;

use reqwest::Method;

use crate::harness::{TestApp, send};

const TEMPLATE: &str = include_str!("../../template.yaml");

/// The event the template's schedule for `job` sends when it fires at `at`.
pub(crate) fn scheduled_event(
    job: &str,
    at: DateTime<Utc>,
) -> LambdaEvent<EventBridgeEvent<Value>> {
    let names_job = format!(r#""detail": {{"job": "{job}"}}"#);
    let input = TEMPLATE
        .lines()
        .filter_map(|line| line.trim().strip_prefix("Input: '")?.strip_suffix('\''))
        .find(|input| input.contains(&names_job))
        .unwrap_or_else(|| panic!("template.yaml has no schedule for the {job} job"));
    let payload = input
        .replace("<aws.scheduler.execution-id>", "4b1f3c1e-7d2a-4c55-9a43-2f0c5e9d8a10")
        .replace("<aws.scheduler.scheduled-time>", &at.to_rfc3339_opts(SecondsFormat::Secs, true));
    LambdaEvent::new(serde_json::from_str(&payload).unwrap(), Context::default())
}

async fn run(app: &TestApp, job: &str, at: DateTime<Utc>) -> JobReport {
    qhealth_scheduler::handle(&app.state, scheduled_event(job, at)).await.unwrap()
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_schedules_greet_a_patient_on_their_birthday_once(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    app.superuser().await;
    let eva = app.patient_named("eva@clinic.test", "Eva", "Lind").await; // born 22 September
    let mail_before = app.emails_to(&eva.email).len();

    // 10:00 in Stockholm (CEST) on her birthday; the function starts a moment later.
    let ten = Utc.with_ymd_and_hms(2027, 9, 22, 8, 0, 0).unwrap();
    app.clock.set(ten + Duration::seconds(3));
    let JobReport::Greetings(greetings) = run(&app, "greetings", ten).await else {
        panic!("the greetings schedule ran another job");
    };
    assert_eq!(greetings.date.to_string(), "2027-09-22");
    assert_eq!((greetings.birthday, greetings.christmas, greetings.new_year), (1, 0, 0));
    assert_eq!(app.emails_to(&eva.email).len(), mail_before, "queued, not yet sent");

    let minute = ten + Duration::minutes(1);
    app.clock.set(minute);
    let JobReport::Outbox(outbox) = run(&app, "outbox", minute).await else {
        panic!("the outbox schedule ran another job");
    };
    assert_eq!((outbox.sent, outbox.retry_later), (1, 0));
    let emails = app.emails_to(&eva.email);
    let greeting = emails.last().unwrap();
    assert_eq!(greeting.subject, "Happy birthday from QHealth");
    assert!(greeting.text.starts_with("Hello Eva,"), "{}", greeting.text);

    // The schedules fire again (a retry, or a second run): nothing more is queued or sent.
    let JobReport::Greetings(again) = run(&app, "greetings", ten).await else { panic!() };
    assert_eq!((again.birthday, again.already_greeted), (0, 1));
    let JobReport::Outbox(quiet) = run(&app, "outbox", minute).await else { panic!() };
    assert_eq!(quiet.sent, 0);
    assert_eq!(app.emails_to(&eva.email).len(), mail_before + 1);
}

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn an_event_naming_no_known_job_is_an_error(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let event = json!({
        "version": "0", "id": "4b1f3c1e-7d2a-4c55-9a43-2f0c5e9d8a10",
        "detail-type": "Scheduled Event", "source": "qhealth.scheduler",
        "time": "2026-11-26T11:00:00Z", "detail": {"job": "backup"}
    });
    let event = LambdaEvent::new(serde_json::from_value(event).unwrap(), Context::default());
    let error = qhealth_scheduler::handle(&app.state, event).await.unwrap_err();
    assert!(matches!(error, JobError::UnknownJob(_)), "{error}");
}

/// The one-off `create-superuser` invocation (README, "Deploying to AWS"): the first superuser
/// is invited by e-mail and chooses a password on the activation link; no password travels in
/// the invocation. A second invitation for the address changes nothing.
#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn the_first_superuser_is_invited_by_a_one_off_invocation(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let invite = |email: &str| {
        let payload = json!({"detail-type": "QHealth setup", "source": "qhealth.setup",
            "detail": {"job": "create-superuser", "email": email, "name": "Sara", "surname": "Ek"}});
        LambdaEvent::new(serde_json::from_value(payload).unwrap(), Context::default())
    };
    let report =
        qhealth_scheduler::handle(&app.state, invite("Sara.Ek@Clinic.example")).await.unwrap();
    let JobReport::CreateSuperuser(invited) = report else { panic!("{report:?}") };

    // Not active until the link is used, which needs a password.
    let email = "sara.ek@clinic.example";
    assert_eq!(app.login(email, "Chosen#Pass1").await.0, 401);
    let token = app.link_token(email, "/auth/activate/");
    let path = format!("/auth/activate/{token}");
    let (status, body) = send(app.request(Method::PATCH, &path).json(&json!({}))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["errors"]["password"].is_array(), "{body}");
    let (status, body) =
        send(app.request(Method::PATCH, &path).json(&json!({"password": "Chosen#Pass1"}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["id"].as_u64(), &body["is_superuser"]), (Some(invited.user_id), &json!(true)));

    let sara = app.session(email, "Chosen#Pass1").await;
    let (status, role) = app.get(&sara, "/auth/qhealth_role").await;
    assert_eq!((status.as_u16(), &role["is_superuser"]), (200, &json!(true)));

    let again = qhealth_scheduler::handle(&app.state, invite(email)).await.unwrap_err();
    assert!(matches!(again, JobError::Setup(_)), "{again}");
    let bad = qhealth_scheduler::handle(&app.state, invite("not an address")).await.unwrap_err();
    assert!(bad.to_string().contains("email"), "{bad}");
    assert_eq!(app.emails_to(email).len(), 1, "one invitation");
}
