//! The scheduled jobs on a developer's machine, the passes EventBridge Scheduler runs on AWS
//! (crate `qhealth-scheduler`):
//!
//! - `qhealth-local run-job greetings|reminders|outbox [--date YYYY-MM-DD]` runs one pass and
//!   prints what it did;
//! - `qhealth-local serve` runs them in the background: the outbox every minute, the reminders
//!   at start and then hourly (as `rate(1 hour)` does on AWS), and the greetings once a day at
//!   `GREETINGS_AT` clinic time (10:00) — also at start when that time has passed, since this
//!   process cannot know whether today's pass ran before it started. The greetings' unique key
//!   and the reminders' `reminded_time` make a repeated pass harmless.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use qhealth::AppState;
use qhealth_scheduler::{Job, JobError, JobReport};
use tokio::time::MissedTickBehavior;

/// The outbox pass runs this often, as `rate(1 minute)` does on AWS.
const OUTBOX_EVERY: Duration = Duration::from_secs(60);
/// The reminders pass runs this often, as `rate(1 hour)` does on AWS.
const REMINDERS_EVERY: chrono::Duration = chrono::Duration::hours(1);

/// The jobs `run-job` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JobName {
    /// Birthday, Christmas and New Year greetings, queued in the e-mail outbox.
    Greetings,
    /// Reminders of the visits and diagnostic bookings of the next 24 hours, queued in the
    /// e-mail outbox.
    Reminders,
    /// Send what the e-mail outbox holds (at MAIL_RATE_PER_SECOND, for MAIL_PASS_SECONDS).
    Outbox,
}

/// The job `run-job NAME [--date D]` asks for.
pub fn job(name: JobName, date: Option<NaiveDate>) -> Result<Job, &'static str> {
    match (name, date) {
        (JobName::Greetings, date) => Ok(Job::Greetings { date }),
        (JobName::Reminders, None) => Ok(Job::Reminders),
        (JobName::Outbox, None) => Ok(Job::Outbox),
        (JobName::Reminders | JobName::Outbox, Some(_)) => {
            Err("--date applies to the greetings only")
        }
    }
}

/// One pass of `job`.
pub async fn run_job(state: &AppState, job: Job) -> Result<JobReport, JobError> {
    qhealth_scheduler::run(state, job).await
}

/// `HH:MM`, for `--greetings-at`.
pub fn parse_time_of_day(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| format!("{text:?} is not a time HH:MM"))
}

/// The date whose greetings are due at the clinic's local time `now`, if any: today's, once
/// `greetings_at` has passed and they have not run today in this process.
pub fn greetings_due(
    now: NaiveDateTime,
    greetings_at: NaiveTime,
    greeted: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let today = now.date();
    (now.time() >= greetings_at && greeted != Some(today)).then_some(today)
}

/// Whether the reminders pass is due at `now`, when it last ran (in this process) at `last`:
/// at start, and an hour after each pass.
pub fn reminders_due(now: DateTime<Utc>, last: Option<DateTime<Utc>>) -> bool {
    last.is_none_or(|last| now - last >= REMINDERS_EVERY)
}

/// Runs the jobs on their schedule until the task is dropped. A failed pass is logged and runs
/// again at the next minute. The reminders run before the outbox in the same minute, so that
/// what they queue goes out at once.
pub async fn run_schedule(state: AppState, greetings_at: NaiveTime) {
    let mut minutes = tokio::time::interval(OUTBOX_EVERY);
    minutes.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut greeted = None;
    let mut reminded = None;
    loop {
        minutes.tick().await;
        let local_now = state.now().with_timezone(&state.config.clinic_tz).naive_local();
        if let Some(date) = greetings_due(local_now, greetings_at, greeted) {
            match run_job(&state, Job::Greetings { date: Some(date) }).await {
                Ok(report) => {
                    tracing::info!(%report, "scheduled job done");
                    greeted = Some(date);
                }
                Err(error) => tracing::error!(%error, "greetings failed; trying again in a minute"),
            }
        }
        let now = state.now();
        if reminders_due(now, reminded) {
            match run_job(&state, Job::Reminders).await {
                Ok(report) => {
                    tracing::info!(%report, "scheduled job done");
                    reminded = Some(now);
                }
                Err(error) => tracing::error!(%error, "reminders failed; trying again in a minute"),
            }
        }
        match run_job(&state, Job::Outbox).await {
            Ok(JobReport::Outbox(report))
                if report.sent + report.retry_later + report.given_up == 0 =>
            {
                tracing::debug!(%report, "scheduled job done");
            }
            Ok(report) => tracing::info!(%report, "scheduled job done"),
            Err(error) => tracing::error!(%error, "outbox pass failed; trying again in a minute"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn greetings_run_once_a_day_from_their_time_on() {
        let ten = parse_time_of_day("10:00").unwrap();
        assert_eq!(greetings_due(at("2026-12-25 09:59"), ten, None), None);
        assert_eq!(greetings_due(at("2026-12-25 10:00"), ten, None), Some(day("2026-12-25")));
        let greeted = Some(day("2026-12-25"));
        assert_eq!(greetings_due(at("2026-12-25 10:01"), ten, greeted), None);
        assert_eq!(greetings_due(at("2026-12-26 09:00"), ten, greeted), None);
        assert_eq!(greetings_due(at("2026-12-26 10:00"), ten, greeted), Some(day("2026-12-26")));
    }

    #[test]
    fn a_gateway_started_after_the_time_catches_up_at_once() {
        let ten = parse_time_of_day("10:00").unwrap();
        assert_eq!(greetings_due(at("2026-12-25 15:30"), ten, None), Some(day("2026-12-25")));
    }

    #[test]
    fn reminders_run_at_start_and_hourly() {
        let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 9, 30, 0).unwrap();
        assert!(reminders_due(start, None));
        assert!(!reminders_due(start + chrono::Duration::minutes(59), Some(start)));
        assert!(reminders_due(start + chrono::Duration::minutes(60), Some(start)));
    }

    #[test]
    fn run_job_reads_its_arguments() {
        assert_eq!(job(JobName::Outbox, None), Ok(Job::Outbox));
        assert_eq!(job(JobName::Reminders, None), Ok(Job::Reminders));
        assert_eq!(job(JobName::Greetings, None), Ok(Job::Greetings { date: None }));
        let christmas = Some(day("2026-12-25"));
        assert_eq!(job(JobName::Greetings, christmas), Ok(Job::Greetings { date: christmas }));
        assert!(job(JobName::Outbox, christmas).is_err());
        assert!(job(JobName::Reminders, christmas).is_err());
        assert!(parse_time_of_day("25:00").is_err());
        assert!(parse_time_of_day("ten").is_err());
    }
}
