//! Every notification as HTML and plain text. Templates live in `shared/templates/email/`,
//! compiled into the binary; HTML is escaped automatically, so a name like `<b>Eva</b>` shows as
//! typed. Links point at the SPA (`APP_URL`).

use std::sync::LazyLock;

use minijinja::{Environment, Value, context};

use super::Email;
use crate::config::Config;
use crate::error::ApiError;

/// Every e-mail QHealth sends, with what it needs to say. Only names and links: never medical
/// content, never a password.
#[derive(Debug, Clone)]
pub enum Notification {
    Activation { name: String, token: String },
    Welcome { name: String },
    Recovery { name: String, token: String },
    VerifyEmail { name: String, token: String },
    AccountBlocked { name: String },
    AccountUnblocked { name: String },
    AdminGranted { name: String },
    AdminRevoked { name: String },
    AccountDeleted { name: String },
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
            | Self::AccountDeleted { name } => name,
        }
    }

    /// The SPA page the message links to, if any.
    fn link(&self, app_url: &str) -> Option<String> {
        match self {
            Self::Activation { token, .. } => Some(format!("{app_url}/auth/activate/{token}")),
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
            Notification::AccountDeleted { name },
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
    fn names_cannot_inject_html() {
        for notification in every_notification("<script>alert(1)</script>") {
            let email = render(&config(), "a@example.com", &notification).unwrap();
            assert!(!email.html.contains("<script>"), "{}", notification.kind());
            assert!(email.html.contains("&lt;script&gt;"), "{}", notification.kind());
        }
    }
}
