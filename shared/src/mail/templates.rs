//! Every notification as HTML and plain text. Templates live in `shared/templates/email/`,
//! compiled into the binary; HTML is escaped automatically, so a name like `<b>Eva</b>` shows as
//! typed. Links point at the SPA (`APP_URL`).

use std::sync::LazyLock;

use minijinja::{Environment, Value, context};

use super::Email;
use crate::config::Config;
use crate::error::ApiError;

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
    /// Staff gave the booking a time (on booking, or later on the patient's request).
    DiagnosticBookedByStaff {
        name: String,
        modality: String,
        when: String,
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
    },
    VisitCancelled {
        name: String,
        doctor: String,
        specialty: String,
        when: String,
    },
    JournalEntryAdded {
        name: String,
    },
    PrescriptionAdded {
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
            Self::JournalEntryAdded { .. } => "journal_entry_added",
            Self::PrescriptionAdded { .. } => "prescription_added",
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
            Self::JournalEntryAdded { .. } => "A new entry in your medical journal",
            Self::PrescriptionAdded { .. } => "A new prescription for you",
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
            | Self::JournalEntryAdded { name }
            | Self::PrescriptionAdded { name }
            | Self::Birthday { name }
            | Self::Christmas { name }
            | Self::NewYear { name } => name,
        }
    }

    /// The facts a template shows besides the name and the link.
    fn details(&self) -> Value {
        match self {
            Self::StaffWelcome { role, specialty, .. } => context! { role, specialty },
            Self::DiagnosticBookedByStaff { modality, when, .. } => context! { modality, when },
            Self::DiagnosticBookedByPatient { modality, .. } => context! { modality },
            Self::VisitBooked { doctor, specialty, when, .. }
            | Self::VisitCancelled { doctor, specialty, when, .. } => {
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
    "journal_entry_added",
    "prescription_added",
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

/// Renders `notification` for `to`.
pub fn render(config: &Config, to: &str, notification: &Notification) -> Result<Email, ApiError> {
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
    Ok(Email {
        to: to.to_owned(),
        subject: notification.subject().to_owned(),
        html: render_one("html")?,
        text: render_one("txt")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::from_lookup(|name| (name == "APP_URL").then(|| "https://clinic.example".into()))
            .unwrap()
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
            },
            Notification::DiagnosticBookedByPatient { name: name.clone(), modality: "MRI".into() },
            Notification::VisitBooked {
                name: name.clone(),
                doctor: "Karin Berg".into(),
                specialty: "Cardiology".into(),
                when: "Tuesday 1 December 2026, 09:00 CET".into(),
            },
            Notification::VisitCancelled {
                name: name.clone(),
                doctor: "Karin Berg".into(),
                specialty: "Cardiology".into(),
                when: "Tuesday 1 December 2026, 09:00 CET".into(),
            },
            Notification::JournalEntryAdded { name: name.clone() },
            Notification::PrescriptionAdded { name: name.clone() },
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
}
