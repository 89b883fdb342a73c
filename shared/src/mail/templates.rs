//! Every notification as HTML and plain text. Templates live in `shared/templates/email/`,
//! compiled into the binary; HTML is escaped automatically, so a name like `<b>Eva</b>` shows as
//! typed. Links point at the SPA (`APP_URL`). The messages about an appointment with a time
//! carry it as a calendar event (`.ics`, see [`super::ics`]).

use std::sync::LazyLock;

use chrono::{DateTime, Duration, Utc};
use minijinja::{Environment, Value, context};

use super::ics;
use super::{Attachment, Email};
use crate::config::Config;
use crate::error::ApiError;

/// Diagnostic bookings have no length of their own: their calendar events last this long.
pub const DIAGNOSTIC_EVENT_MINUTES: u16 = 30;

/// Every e-mail QHealth sends, with what it needs to say. Only names, appointment facts and
/// links: never medical content, never a password. Times (`when`) are already written in the
/// clinic's time zone (see [`crate::clock::clinic_time_text`]).
#[derive(Debug, Clone)]
pub enum Notification {
    Activation {
        name: String,
        token: String,
    },
    Welcome {
        name: String,
    },
    Recovery {
        name: String,
        token: String,
    },
    VerifyEmail {
        name: String,
        token: String,
    },
    AccountBlocked {
        name: String,
    },
    AccountUnblocked {
        name: String,
    },
    AdminGranted {
        name: String,
    },
    AdminRevoked {
        name: String,
    },
    AccountDeleted {
        name: String,
    },
    /// A new staff member: their role, and the activation link where they choose a password.
    StaffWelcome {
        name: String,
        role: String,
        specialty: Option<String>,
        token: String,
    },
    DoctorUnavailable {
        name: String,
    },
    DoctorAvailable {
        name: String,
    },
    /// Staff gave the booking a time (on booking, or later on the patient's request, or moved
    /// it).
    DiagnosticBookedByStaff {
        name: String,
        modality: String,
        when: String,
        booking_id: u64,
        starts_at: DateTime<Utc>,
    },
    /// The patient asked for it; the clinic will set a time.
    DiagnosticBookedByPatient {
        name: String,
        modality: String,
    },
    VisitBooked {
        name: String,
        doctor: String,
        specialty: String,
        when: String,
        visit_id: u64,
        starts_at: DateTime<Utc>,
        duration_minutes: u16,
    },
    VisitCancelled {
        name: String,
        doctor: String,
        specialty: String,
        when: String,
    },
    /// A day before a booked visit (the scheduler's reminders pass).
    VisitReminder {
        name: String,
        doctor: String,
        specialty: String,
        when: String,
        visit_id: u64,
        starts_at: DateTime<Utc>,
        duration_minutes: u16,
    },
    /// A day before a diagnostic booking's time (the scheduler's reminders pass).
    DiagnosticReminder {
        name: String,
        modality: String,
        when: String,
        booking_id: u64,
        starts_at: DateTime<Utc>,
    },
    JournalEntryAdded {
        name: String,
    },
    PrescriptionAdded {
        name: String,
    },
    /// A certificate was issued; like the journal's notice, it never says what it says.
    SickLeaveIssued {
        name: String,
    },
    /// The scheduled greetings: warm and short, nothing about anyone's health.
    Birthday {
        name: String,
    },
    Christmas {
        name: String,
    },
    NewYear {
        name: String,
    },
}

impl Notification {
    /// The template's name and the outbox's `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Activation { .. } => "activation",
            Self::Welcome { .. } => "welcome",
            Self::Recovery { .. } => "recovery",
            Self::VerifyEmail { .. } => "verify_email",
            Self::AccountBlocked { .. } => "account_blocked",
            Self::AccountUnblocked { .. } => "account_unblocked",
            Self::AdminGranted { .. } => "admin_granted",
            Self::AdminRevoked { .. } => "admin_revoked",
            Self::AccountDeleted { .. } => "account_deleted",
            Self::StaffWelcome { .. } => "staff_welcome",
            Self::DoctorUnavailable { .. } => "doctor_unavailable",
            Self::DoctorAvailable { .. } => "doctor_available",
            Self::DiagnosticBookedByStaff { .. } => "diagnostic_booked_by_staff",
            Self::DiagnosticBookedByPatient { .. } => "diagnostic_booked_by_patient",
            Self::VisitBooked { .. } => "visit_booked",
            Self::VisitCancelled { .. } => "visit_cancelled",
            Self::VisitReminder { .. } => "visit_reminder",
            Self::DiagnosticReminder { .. } => "diagnostic_reminder",
            Self::JournalEntryAdded { .. } => "journal_entry_added",
            Self::PrescriptionAdded { .. } => "prescription_added",
            Self::SickLeaveIssued { .. } => "sick_leave_issued",
            Self::Birthday { .. } => "birthday",
            Self::Christmas { .. } => "christmas",
            Self::NewYear { .. } => "new_year",
        }
    }

    fn subject(&self) -> &'static str {
        match self {
            Self::Activation { .. } => "Activate your QHealth account",
            Self::Welcome { .. } => "Welcome to QHealth",
            Self::Recovery { .. } => "Reset your QHealth password",
            Self::VerifyEmail { .. } => "Confirm your new e-mail address",
            Self::AccountBlocked { .. } => "Your QHealth account has been blocked",
            Self::AccountUnblocked { .. } => "Your QHealth account is active again",
            Self::AdminGranted { .. } => "You are now a QHealth administrator",
            Self::AdminRevoked { .. } => "Your QHealth administrator rights have ended",
            Self::AccountDeleted { .. } => "Your QHealth account has been deleted",
            Self::StaffWelcome { .. } => "Your QHealth staff account",
            Self::DoctorUnavailable { .. } => "You are no longer available for booking",
            Self::DoctorAvailable { .. } => "You are available for booking again",
            Self::DiagnosticBookedByStaff { .. } => "Your diagnostic appointment",
            Self::DiagnosticBookedByPatient { .. } => "We have received your diagnostic request",
            Self::VisitBooked { .. } => "Your doctor's appointment is booked",
            Self::VisitCancelled { .. } => "Your doctor's appointment is cancelled",
            Self::VisitReminder { .. } => "Reminder: your appointment tomorrow",
            Self::DiagnosticReminder { .. } => "Reminder: your diagnostic appointment tomorrow",
            Self::JournalEntryAdded { .. } => "A new entry in your medical journal",
            Self::PrescriptionAdded { .. } => "A new prescription for you",
            Self::SickLeaveIssued { .. } => "A sick-leave certificate for you",
            Self::Birthday { .. } => "Happy birthday from QHealth",
            Self::Christmas { .. } => "Merry Christmas from QHealth",
            Self::NewYear { .. } => "Happy New Year from QHealth",
        }
    }

    fn name(&self) -> &str {
        match self {
            Self::Activation { name, .. }
            | Self::Welcome { name }
            | Self::Recovery { name, .. }
            | Self::VerifyEmail { name, .. }
            | Self::AccountBlocked { name }
            | Self::AccountUnblocked { name }
            | Self::AdminGranted { name }
            | Self::AdminRevoked { name }
            | Self::AccountDeleted { name }
            | Self::StaffWelcome { name, .. }
            | Self::DoctorUnavailable { name }
            | Self::DoctorAvailable { name }
            | Self::DiagnosticBookedByStaff { name, .. }
            | Self::DiagnosticBookedByPatient { name, .. }
            | Self::VisitBooked { name, .. }
            | Self::VisitCancelled { name, .. }
            | Self::VisitReminder { name, .. }
            | Self::DiagnosticReminder { name, .. }
            | Self::JournalEntryAdded { name }
            | Self::PrescriptionAdded { name }
            | Self::SickLeaveIssued { name }
            | Self::Birthday { name }
            | Self::Christmas { name }
            | Self::NewYear { name } => name,
        }
    }

    /// The facts a template shows besides the name and the link.
    fn details(&self) -> Value {
        match self {
            Self::StaffWelcome { role, specialty, .. } => context! { role, specialty },
            Self::DiagnosticBookedByStaff { modality, when, .. }
            | Self::DiagnosticReminder { modality, when, .. } => context! { modality, when },
            Self::DiagnosticBookedByPatient { modality, .. } => context! { modality },
            Self::VisitBooked { doctor, specialty, when, .. }
            | Self::VisitCancelled { doctor, specialty, when, .. }
            | Self::VisitReminder { doctor, specialty, when, .. } => {
                context! { doctor, specialty, when }
            }
            _ => context! {},
        }
    }

    /// The SPA page the message links to, if any.
    fn link(&self, app_url: &str) -> Option<String> {
        match self {
            Self::Activation { token, .. } | Self::StaffWelcome { token, .. } => {
                Some(format!("{app_url}/auth/activate/{token}"))
            }
            Self::Recovery { token, .. } => {
                Some(format!("{app_url}/auth/recovery_password/{token}"))
            }
            Self::VerifyEmail { token, .. } => {
                Some(format!("{app_url}/users/verify_email/{token}"))
            }
            _ => None,
        }
    }

    /// The calendar event the message carries, and the attachment's name: the appointment's,
    /// when it has a time. Its UID is the booking's, the same in every message about it.
    fn calendar_event(&self, config: &Config) -> Option<(ics::Event, &'static str)> {
        let domain = calendar_domain(&config.mail_from);
        let bookings = &config.app_url;
        match self {
            Self::VisitBooked {
                doctor, specialty, visit_id, starts_at, duration_minutes, ..
            }
            | Self::VisitReminder {
                doctor,
                specialty,
                visit_id,
                starts_at,
                duration_minutes,
                ..
            } => {
                let event = ics::Event {
                    uid: format!("visit-{visit_id}@{domain}"),
                    start: *starts_at,
                    end: *starts_at + Duration::minutes(i64::from(*duration_minutes)),
                    summary: format!("Doctor's appointment: {doctor}"),
                    description: Some(format!(
                        "{doctor}, {specialty}.\nYour appointments in QHealth: {bookings}"
                    )),
                    location: None,
                };
                Some((event, "visit.ics"))
            }
            Self::DiagnosticBookedByStaff { modality, booking_id, starts_at, .. }
            | Self::DiagnosticReminder { modality, booking_id, starts_at, .. } => {
                let event = ics::Event {
                    uid: format!("diagnostic-{booking_id}@{domain}"),
                    start: *starts_at,
                    end: *starts_at + Duration::minutes(i64::from(DIAGNOSTIC_EVENT_MINUTES)),
                    summary: format!("Diagnostic appointment: {modality}"),
                    description: Some(format!(
                        "{modality}. Please arrive ten minutes early.\n\
                         Your appointments in QHealth: {bookings}"
                    )),
                    location: None,
                };
                Some((event, "diagnostic.ics"))
            }
            _ => None,
        }
    }
}

/// The domain of the sender's address (`QHealth <no-reply@clinic.example>`: `clinic.example`),
/// the clinic's own, which makes the events' UIDs unique to it (RFC 5545, 3.8.4.7).
fn calendar_domain(mail_from: &str) -> &str {
    mail_from
        .rsplit_once('@')
        .map(|(_, domain)| domain.trim().trim_end_matches('>').trim())
        .filter(|domain| !domain.is_empty())
        .unwrap_or("qhealth.local")
}

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(
            (concat!($name, ".html"), include_str!(concat!("../../templates/email/", $name, ".html"))),
            (concat!($name, ".txt"), include_str!(concat!("../../templates/email/", $name, ".txt"))),
        )*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates![
    "layout",
    "activation",
    "welcome",
    "recovery",
    "verify_email",
    "account_blocked",
    "account_unblocked",
    "admin_granted",
    "admin_revoked",
    "account_deleted",
    "staff_welcome",
    "doctor_unavailable",
    "doctor_available",
    "diagnostic_booked_by_staff",
    "diagnostic_booked_by_patient",
    "visit_booked",
    "visit_cancelled",
    "visit_reminder",
    "diagnostic_reminder",
    "journal_entry_added",
    "prescription_added",
    "sick_leave_issued",
    "birthday",
    "christmas",
    "new_year",
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        if let Err(error) = env.add_template(name, source) {
            // Every template is rendered by the tests, so this cannot reach a release.
            tracing::error!(template = name, error = %error, "e-mail template does not parse");
        }
    }
    env
});

/// Renders `notification` for `to` at `now` (the calendar event's time stamp).
pub fn render(
    config: &Config,
    to: &str,
    notification: &Notification,
    now: DateTime<Utc>,
) -> Result<Email, ApiError> {
    let context = context! {
        name => notification.name(),
        // Built from the configured address and a token of URL-safe characters: nothing to escape
        // (and escaping '/' would make the plain address in the HTML part hard to read).
        link => notification.link(&config.app_url).map(Value::from_safe_string),
        app_url => &config.app_url,
        subject => notification.subject(),
        details => notification.details(),
    };
    let render_one = |extension: &str| {
        ENVIRONMENT
            .get_template(&format!("{}.{extension}", notification.kind()))
            .and_then(|template| template.render(&context))
            .map_err(ApiError::internal)
    };
    let attachment = notification.calendar_event(config).map(|(event, filename)| Attachment {
        filename: filename.to_owned(),
        content_type: ics::CONTENT_TYPE.to_owned(),
        content: event.to_ics(now),
    });
    Ok(Email {
        to: to.to_owned(),
        subject: notification.subject().to_owned(),
        html: render_one("html")?,
        text: render_one("txt")?,
        attachment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn config() -> Config {
        Config::from_lookup(|name| match name {
            "APP_URL" => Some("https://clinic.example".into()),
            "MAIL_FROM" => Some("QHealth <no-reply@clinic.example>".into()),
            _ => None,
        })
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 11, 0, 0).unwrap()
    }

    /// 09:00 in Stockholm on 1 December 2026, as `when` says.
    fn starts_at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
    }

    fn render(config: &Config, to: &str, notification: &Notification) -> Result<Email, ApiError> {
        super::render(config, to, notification, now())
    }

    fn every_notification(name: &str) -> Vec<Notification> {
        let name = name.to_owned();
        let token = "TOKEN123".to_owned();
        vec![
            Notification::Activation { name: name.clone(), token: token.clone() },
            Notification::Welcome { name: name.clone() },
            Notification::Recovery { name: name.clone(), token: token.clone() },
            Notification::VerifyEmail { name: name.clone(), token },
            Notification::AccountBlocked { name: name.clone() },
            Notification::AccountUnblocked { name: name.clone() },
            Notification::AdminGranted { name: name.clone() },
            Notification::AdminRevoked { name: name.clone() },
            Notification::AccountDeleted { name: name.clone() },
            Notification::StaffWelcome {
                name: name.clone(),
                role: "doctor".into(),
                specialty: Some("Cardiology".into()),
                token: "TOKEN123".into(),
            },
            Notification::DoctorUnavailable { name: name.clone() },
            Notification::DoctorAvailable { name: name.clone() },
            Notification::DiagnosticBookedByStaff {
                name: name.clone(),
                modality: "MRI".into(),
                when: "Tuesday 1 December 2026, 09:00 CET".into(),
                booking_id: 3,
                starts_at: starts_at(),
            },
            Notification::DiagnosticBookedByPatient { name: name.clone(), modality: "MRI".into() },
            Notification::VisitBooked {
                name: name.clone(),
                doctor: "Karin Berg".into(),
                specialty: "Cardiology".into(),
                when: "Tuesday 1 December 2026, 09:00 CET".into(),
                visit_id: 12,
                starts_at: starts_at(),
                duration_minutes: 45,
            },
            Notification::VisitCancelled {
                name: name.clone(),
                doctor: "Karin Berg".into(),
                specialty: "Cardiology".into(),
                when: "Tuesday 1 December 2026, 09:00 CET".into(),
            },
            Notification::VisitReminder {
                name: name.clone(),
                doctor: "Karin Berg".into(),
                specialty: "Cardiology".into(),
                when: "Tuesday 1 December 2026, 09:00 CET".into(),
                visit_id: 12,
                starts_at: starts_at(),
                duration_minutes: 45,
            },
            Notification::DiagnosticReminder {
                name: name.clone(),
                modality: "MRI".into(),
                when: "Tuesday 1 December 2026, 09:00 CET".into(),
                booking_id: 3,
                starts_at: starts_at(),
            },
            Notification::JournalEntryAdded { name: name.clone() },
            Notification::PrescriptionAdded { name: name.clone() },
            Notification::SickLeaveIssued { name: name.clone() },
            Notification::Birthday { name: name.clone() },
            Notification::Christmas { name: name.clone() },
            Notification::NewYear { name },
        ]
    }

    #[test]
    fn every_notification_renders_in_html_and_text() {
        for notification in every_notification("Åsa") {
            let email = render(&config(), "asa@example.com", &notification).unwrap();
            assert_eq!(email.to, "asa@example.com");
            assert!(email.html.contains("Åsa"), "{}: {}", notification.kind(), email.html);
            assert!(email.text.contains("Åsa"), "{}: {}", notification.kind(), email.text);
            assert!(email.html.contains("<html"), "{}", notification.kind());
            assert!(!email.text.contains('<'), "{}: {}", notification.kind(), email.text);
            if let Some(link) = notification.link("https://clinic.example") {
                assert!(
                    email.html.contains(&format!("href=\"{link}\"")),
                    "{}",
                    notification.kind()
                );
                assert!(email.text.contains(&link), "{}", notification.kind());
            }
        }
    }

    #[test]
    fn links_point_at_the_app() {
        let email = render(
            &config(),
            "a@example.com",
            &Notification::Activation { name: "Eva".into(), token: "abc".into() },
        )
        .unwrap();
        assert!(email.text.contains("https://clinic.example/auth/activate/abc"));
        let email = render(
            &config(),
            "a@example.com",
            &Notification::Recovery { name: "Eva".into(), token: "abc".into() },
        )
        .unwrap();
        assert!(email.text.contains("https://clinic.example/auth/recovery_password/abc"));
        let email = render(
            &config(),
            "a@example.com",
            &Notification::VerifyEmail { name: "Eva".into(), token: "abc".into() },
        )
        .unwrap();
        assert!(email.text.contains("https://clinic.example/users/verify_email/abc"));
    }

    #[test]
    fn greetings_name_their_occasion_and_nothing_medical() {
        let greetings = [
            (Notification::Birthday { name: "Åsa".into() }, "Happy birthday"),
            (Notification::Christmas { name: "Åsa".into() }, "Merry Christmas"),
            (Notification::NewYear { name: "Åsa".into() }, "happy New Year"),
        ];
        for (notification, occasion) in greetings {
            let email = render(&config(), "asa@example.com", &notification).unwrap();
            for part in [&email.text, &email.html] {
                assert!(part.contains("Hello Åsa,") && part.contains(occasion), "{part}");
                assert!(!part.contains("/auth/") && !part.contains("/users/"), "no link: {part}");
                let lower = part.to_lowercase();
                for medical in ["journal", "prescription", "diagnos", "doctor", "appointment"] {
                    assert!(!lower.contains(medical), "{medical} in {part}");
                }
            }
        }
    }

    #[test]
    fn appointments_show_their_facts_and_the_cancellation_rule() {
        let when = "Tuesday 1 December 2026, 09:00 CET";
        for notification in every_notification("Eva") {
            let email = render(&config(), "a@example.com", &notification).unwrap();
            match notification.kind() {
                "visit_booked" => {
                    for part in [&email.text, &email.html] {
                        assert!(part.contains("Karin Berg") && part.contains("Cardiology"));
                        assert!(part.contains(when) && part.contains("24 hours"), "{part}");
                    }
                }
                "visit_cancelled" | "diagnostic_booked_by_staff" => {
                    assert!(email.text.contains(when) && email.html.contains(when));
                }
                "visit_reminder" => {
                    for part in [&email.text, &email.html] {
                        assert!(part.contains("Karin Berg") && part.contains(when), "{part}");
                        assert!(part.contains("call the clinic"), "too late to cancel online");
                    }
                }
                "diagnostic_reminder" => {
                    assert!(email.text.contains("MRI") && email.text.contains(when));
                    assert!(email.html.contains("MRI") && email.html.contains(when));
                }
                "diagnostic_booked_by_patient" => {
                    assert!(email.text.contains("MRI") && !email.text.contains(when));
                }
                "staff_welcome" => {
                    assert!(email.text.contains("doctor") && email.text.contains("Cardiology"));
                    assert!(!email.text.to_lowercase().contains("your password is"));
                }
                _ => {}
            }
        }
    }

    #[test]
    fn names_cannot_inject_html() {
        for notification in every_notification("<script>alert(1)</script>") {
            let email = render(&config(), "a@example.com", &notification).unwrap();
            assert!(!email.html.contains("<script>"), "{}", notification.kind());
            assert!(email.html.contains("&lt;script&gt;"), "{}", notification.kind());
        }
    }

    /// The unfolded `NAME:value` lines of an attachment's calendar.
    fn calendar_lines(email: &Email) -> Vec<String> {
        let attachment = email.attachment.as_ref().expect("a calendar event");
        attachment.content.replace("\r\n ", "").split_terminator("\r\n").map(String::from).collect()
    }

    #[test]
    fn appointments_with_a_time_carry_their_calendar_event() {
        for notification in every_notification("Eva") {
            let email = render(&config(), "a@example.com", &notification).unwrap();
            let expected = match notification.kind() {
                "visit_booked" | "visit_reminder" => {
                    Some(("visit.ics", "UID:visit-12@clinic.example", "DTEND:20261201T084500Z"))
                }
                "diagnostic_booked_by_staff" | "diagnostic_reminder" => Some((
                    "diagnostic.ics",
                    "UID:diagnostic-3@clinic.example",
                    "DTEND:20261201T083000Z",
                )),
                _ => None,
            };
            let Some((filename, uid, end)) = expected else {
                assert_eq!(email.attachment, None, "{}", notification.kind());
                continue;
            };
            let attachment = email.attachment.as_ref().unwrap();
            assert_eq!(attachment.filename, filename);
            assert_eq!(attachment.content_type, "text/calendar; method=PUBLISH; charset=UTF-8");
            let lines = calendar_lines(&email);
            for line in [uid, "DTSTART:20261201T080000Z", end, "DTSTAMP:20261126T110000Z"] {
                assert!(lines.iter().any(|l| l == line), "{line} in {lines:?}");
            }
            assert!(lines.iter().any(|l| l.starts_with("SUMMARY:")), "{lines:?}");
        }
    }

    #[test]
    fn a_visit_s_event_names_its_doctor_and_links_the_app() {
        let visit = every_notification("Eva").into_iter().find(|n| n.kind() == "visit_reminder");
        let email = render(&config(), "a@example.com", &visit.unwrap()).unwrap();
        let lines = calendar_lines(&email);
        assert!(
            lines.contains(&"SUMMARY:Doctor's appointment: Karin Berg".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(
                &"DESCRIPTION:Karin Berg\\, Cardiology.\\nYour appointments in QHealth: \
                  https://clinic.example"
                    .to_owned()
            ),
            "{lines:?}"
        );
    }

    #[test]
    fn the_calendar_domain_is_the_sender_s() {
        assert_eq!(calendar_domain("QHealth <no-reply@clinic.example>"), "clinic.example");
        assert_eq!(calendar_domain("no-reply@clinic.example"), "clinic.example");
        assert_eq!(calendar_domain("QHealth"), "qhealth.local");
    }
}
