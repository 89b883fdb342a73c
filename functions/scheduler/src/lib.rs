//! `qhealth-scheduler`: the jobs EventBridge Scheduler runs (API.md, "Emails (SES)").
//!
//! - [`greetings`] (daily, 10:00 clinic time): birthday, Christmas and New Year greetings, each
//!   at most once per user, greeting and year, written to the e-mail outbox;
//! - [`reminders`] (hourly): a reminder, with the appointment as a calendar event, a day before
//!   each booked visit and each diagnostic booking with a time, once per booking and time;
//! - [`outbox`] (every minute): sends what the outbox holds, at SES's rate, retrying failures
//!   with exponential backoff;
//! - [`setup`] (by hand, once): `migrate`, and `create-superuser`, which invites the first
//!   superuser by e-mail.
//!
//! The function is invoked with an EventBridge event whose `detail` names the job. The
//! template's schedules send (EventBridge Scheduler fills in the `<aws.scheduler.…>` values):
//!
//! ```json
//! {"version": "0", "id": "<aws.scheduler.execution-id>", "detail-type": "Scheduled Event",
//!  "source": "qhealth.scheduler", "time": "<aws.scheduler.scheduled-time>",
//!  "detail": {"job": "greetings"}}
//! ```
//!
//! and the same with `{"job": "reminders"}` and `{"job": "outbox"}`. The greetings are for the clinic's date at the event's
//! `time` (a retried invocation still greets the day it was scheduled for), or for
//! `"date": "YYYY-MM-DD"` in `detail` when given, or for today. The local gateway runs the same
//! passes (`qhealth-local run-job`, and in the background of `serve`).

pub mod greetings;
pub mod outbox;
mod pace;
pub mod reminders;
pub mod setup;
#[cfg(test)]
mod testing;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use qhealth::AppState;
use qhealth::users::superuser::{NewSuperuser, SuperuserError};
use serde::Serialize;
use serde_json::Value;

/// The handler's event types, for callers that feed it events of their own (tests).
pub use aws_lambda_events::eventbridge::EventBridgeEvent;
pub use greetings::GreetingsReport;
pub use lambda_runtime::{Context, LambdaEvent};
pub use outbox::OutboxReport;
pub use reminders::RemindersReport;
pub use setup::{InviteReport, MigrateReport};

/// A scheduled event older than this does not greet: greetings are not sent days late.
const GREETINGS_EVENT_MAX_AGE: Duration = Duration::days(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// The greetings of one clinic date (`None`: today).
    Greetings {
        date: Option<NaiveDate>,
    },
    /// The reminders due in the next 24 hours.
    Reminders,
    Outbox,
    /// Apply the migrations (one-off, see [`setup`]).
    Migrate,
    /// Invite the first superuser (one-off, see [`setup`]).
    CreateSuperuser(NewSuperuser),
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(
        "unknown job {0}: the event's detail must be {{\"job\": \"greetings\"}}, \
         {{\"job\": \"reminders\"}} or {{\"job\": \"outbox\"}} (or, by hand, \"migrate\" or \
         \"create-superuser\")"
    )]
    UnknownJob(String),
    #[error("the event's detail.date must be a date written YYYY-MM-DD")]
    InvalidDate,
    #[error(
        "the event was scheduled for {0}, more than a day ago: greetings are not sent late \
         (give detail.date to greet a particular day)"
    )]
    StaleEvent(DateTime<Utc>),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("e-mail template: {0}")]
    Template(String),
    #[error("migrations: {0}")]
    Migration(String),
    #[error("create-superuser: {0}")]
    Setup(SuperuserError),
}

/// What a job did, in counts (never addresses): the function's answer and the log's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum JobReport {
    Greetings(GreetingsReport),
    Reminders(RemindersReport),
    Outbox(OutboxReport),
    Migrate(MigrateReport),
    CreateSuperuser(InviteReport),
}

impl std::fmt::Display for JobReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Greetings(report) => report.fmt(f),
            Self::Reminders(report) => report.fmt(f),
            Self::Outbox(report) => report.fmt(f),
            Self::Migrate(report) => report.fmt(f),
            Self::CreateSuperuser(report) => report.fmt(f),
        }
    }
}

impl Job {
    /// The job an EventBridge event names in its `detail`.
    pub fn from_event(
        event: &EventBridgeEvent<Value>,
        now: DateTime<Utc>,
        clinic_tz: chrono_tz::Tz,
    ) -> Result<Self, JobError> {
        let detail = &event.detail;
        match detail.get("job").and_then(Value::as_str) {
            Some("outbox") => Ok(Self::Outbox),
            Some("reminders") => Ok(Self::Reminders),
            Some("migrate") => Ok(Self::Migrate),
            Some("create-superuser") => Ok(Self::CreateSuperuser(setup::superuser_of(detail)?)),
            Some("greetings") => {
                let date = match detail.get("date") {
                    None | Some(Value::Null) => match event.time {
                        Some(scheduled) if now - scheduled > GREETINGS_EVENT_MAX_AGE => {
                            return Err(JobError::StaleEvent(scheduled));
                        }
                        Some(scheduled) => Some(scheduled.with_timezone(&clinic_tz).date_naive()),
                        None => None,
                    },
                    Some(date) => Some(
                        date.as_str()
                            .and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                            .ok_or(JobError::InvalidDate)?,
                    ),
                };
                Ok(Self::Greetings { date })
            }
            Some(other) => Err(JobError::UnknownJob(format!("{other:?}"))),
            None => Err(JobError::UnknownJob(format!("(detail: {detail})"))),
        }
    }
}

/// Runs one pass of `job`.
pub async fn run(state: &AppState, job: Job) -> Result<JobReport, JobError> {
    match job {
        Job::Greetings { date } => {
            let date = date.unwrap_or_else(|| state.today());
            Ok(JobReport::Greetings(greetings::run(state, date).await?))
        }
        Job::Reminders => Ok(JobReport::Reminders(reminders::run(state).await?)),
        Job::Outbox => Ok(JobReport::Outbox(outbox::run(state).await?)),
        Job::Migrate => Ok(JobReport::Migrate(setup::migrate(state).await?)),
        Job::CreateSuperuser(superuser) => {
            Ok(JobReport::CreateSuperuser(setup::invite_superuser(state, superuser).await?))
        }
    }
}

/// The Lambda handler: reads the job from the event, runs it and logs what it did. A failure is
/// returned as the invocation's error, so Lambda retries it; every pass is safe to repeat.
pub async fn handle(
    state: &AppState,
    event: LambdaEvent<EventBridgeEvent<Value>>,
) -> Result<JobReport, JobError> {
    let outcome = match Job::from_event(&event.payload, state.now(), state.config.clinic_tz) {
        Ok(job) => run(state, job).await,
        Err(error) => Err(error),
    };
    match &outcome {
        Ok(report) => tracing::info!(%report, "scheduled job done"),
        Err(error) => tracing::error!(%error, "scheduled job failed"),
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    const STOCKHOLM: chrono_tz::Tz = chrono_tz::Europe::Stockholm;

    fn event(detail: Value, time: Option<&str>) -> EventBridgeEvent<Value> {
        let mut event = json!({
            "version": "0", "id": "c8a7f5e2-0000-4000-8000-000000000001",
            "detail-type": "Scheduled Event", "source": "qhealth.scheduler", "detail": detail
        });
        if let Some(time) = time {
            event["time"] = json!(time);
        }
        serde_json::from_value(event).unwrap()
    }

    fn job(detail: Value, time: Option<&str>) -> Result<Job, JobError> {
        // 10:05 in Stockholm on 25 December 2026.
        let now = Utc.with_ymd_and_hms(2026, 12, 25, 9, 5, 0).unwrap();
        Job::from_event(&event(detail, time), now, STOCKHOLM)
    }

    fn greetings_for(date: &str) -> Job {
        Job::Greetings { date: Some(date.parse().unwrap()) }
    }

    #[test]
    fn the_detail_names_the_job() {
        assert_eq!(job(json!({"job": "outbox"}), None).unwrap(), Job::Outbox);
        assert_eq!(job(json!({"job": "reminders"}), None).unwrap(), Job::Reminders);
        assert_eq!(job(json!({"job": "greetings"}), None).unwrap(), Job::Greetings { date: None });
    }

    #[test]
    fn the_one_off_setup_jobs_are_named_by_hand() {
        assert_eq!(job(json!({"job": "migrate"}), None).unwrap(), Job::Migrate);
        let detail = json!({"job": "create-superuser", "email": "Sara@Clinic.example", "name": "Sara", "surname": "Ek"});
        let superuser = NewSuperuser {
            email: "sara@clinic.example".into(),
            name: "Sara".into(),
            surname: "Ek".into(),
        };
        assert_eq!(job(detail, None).unwrap(), Job::CreateSuperuser(superuser));
        let no_names =
            job(json!({"job": "create-superuser", "email": "sara@clinic.example"}), None);
        assert!(matches!(no_names, Err(JobError::Setup(_))));
    }

    #[test]
    fn greetings_are_for_the_clinic_day_the_event_was_scheduled_for() {
        // 10:00 in Stockholm, scheduled (and run) on the day.
        let on_time = job(json!({"job": "greetings"}), Some("2026-12-25T09:00:00Z"));
        assert_eq!(on_time.unwrap(), greetings_for("2026-12-25"));
        // 23:30 UTC on the 24th is already the 25th at the clinic.
        let late_evening = job(json!({"job": "greetings"}), Some("2026-12-24T23:30:00Z"));
        assert_eq!(late_evening.unwrap(), greetings_for("2026-12-25"));
        let given = job(json!({"job": "greetings", "date": "2026-12-24"}), None);
        assert_eq!(given.unwrap(), greetings_for("2026-12-24"));
    }

    #[test]
    fn unknown_jobs_old_events_and_bad_dates_are_errors() {
        let unknown = job(json!({"job": "cleanup"}), None).unwrap_err();
        assert!(matches!(&unknown, JobError::UnknownJob(name) if name == "\"cleanup\""));
        assert!(unknown.to_string().contains(r#"{"job": "outbox"}"#), "{unknown}");
        assert!(matches!(job(json!({}), None), Err(JobError::UnknownJob(_))));
        assert!(matches!(job(json!({"job": 7}), None), Err(JobError::UnknownJob(_))));
        let stale = job(json!({"job": "greetings"}), Some("2026-12-23T09:00:00Z"));
        assert!(matches!(stale, Err(JobError::StaleEvent(_))));
        for date in [json!("25/12/2026"), json!("2026-02-30"), json!(20261225)] {
            let bad = job(json!({"job": "greetings", "date": date}), None);
            assert!(matches!(bad, Err(JobError::InvalidDate)), "{date}");
        }
    }

    #[test]
    fn reports_are_counts_for_the_log_and_the_answer() {
        let report = JobReport::Outbox(OutboxReport { sent: 14, ..OutboxReport::default() });
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            json!({"job": "outbox", "sent": 14, "retry_later": 0, "given_up": 0,
                   "budget_spent": false})
        );
        assert!(report.to_string().starts_with("outbox: 14 sent"));
    }
}
