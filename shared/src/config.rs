//! Typed settings, read once from the environment at start-up.
//!
//! Every setting has a default that suits a developer's machine (API.md, "Running it locally"),
//! except the JWT secret on AWS: a Lambda without `JWT_SECRET` refuses to start rather than sign
//! tokens with a secret another instance does not share.

use std::fmt;
use std::time::Duration;

use chrono_tz::Tz;

pub const DEFAULT_DATABASE_URL: &str = "mysql://root@127.0.0.1:3306/qhealth";
const MIN_SECRET_BYTES: usize = 32;

#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    /// Small on Lambda, where one instance serves one request at a time.
    pub database_max_connections: u32,
    /// Check a pooled connection with a ping before each use (on Lambda, where an instance can
    /// sleep for minutes between requests).
    pub database_ping_before_use: bool,
    pub jwt_secret: Secret,
    /// The SPA's address, without a trailing slash; e-mailed links point here.
    pub app_url: String,
    pub mail_from: String,
    /// The clinic's time zone: local booking times, ages, greetings.
    pub clinic_tz: Tz,
    /// How long a failed e-mail waits before its first retry; doubles with every try.
    pub mail_retry_base: Duration,
    /// The WebSocket API's management endpoint (`WS_ENDPOINT`), where live updates are posted:
    /// `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}` on AWS, the local gateway's
    /// own address locally. `None`: live updates are off.
    pub ws_endpoint: Option<String>,
    /// The scheduler's outbox pass (see [`OutboxSettings`]).
    pub outbox: OutboxSettings,
    /// The letterhead of printed records: `CLINIC_NAME`, `CLINIC_ADDRESS`.
    pub clinic_name: String,
    pub clinic_address: String,
}

/// How the scheduler's outbox pass sends what is waiting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutboxSettings {
    /// SES's sending rate for the account (`MAIL_RATE_PER_SECOND`, default 14).
    pub rate_per_second: u32,
    /// Tries before an e-mail is given up and marked failed (`MAIL_MAX_ATTEMPTS`, default 8).
    pub max_attempts: u32,
    /// How long one pass may send (`MAIL_PASS_SECONDS`, default 50): below the schedule's
    /// minute, so passes do not pile up.
    pub pass_budget: Duration,
}

impl OutboxSettings {
    fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            rate_per_second: whole_number_from_one(lookup, "MAIL_RATE_PER_SECOND", 14)?,
            max_attempts: whole_number_from_one(lookup, "MAIL_MAX_ATTEMPTS", 8)?,
            pass_budget: Duration::from_secs(
                whole_number_from_one(lookup, "MAIL_PASS_SECONDS", 50)?.into(),
            ),
        })
    }
}

fn whole_number_from_one(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u32,
) -> Result<u32, ConfigError> {
    match lookup(name) {
        Some(value) => value
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(ConfigError::Invalid { name, reason: "a whole number from 1".into() }),
        None => Ok(default),
    }
}

/// A value that never shows up in logs or `Debug` output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url_password(&self.database_url))
            .field("database_max_connections", &self.database_max_connections)
            .field("jwt_secret", &self.jwt_secret)
            .field("app_url", &self.app_url)
            .field("mail_from", &self.mail_from)
            .field("clinic_tz", &self.clinic_tz)
            .field("ws_endpoint", &self.ws_endpoint)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("{0} must be set when running on AWS Lambda")]
    Missing(&'static str),
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `lookup`, so tests can supply their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let on_lambda = lookup("AWS_LAMBDA_FUNCTION_NAME").is_some();
        let jwt_secret = match lookup("JWT_SECRET") {
            Some(secret) if secret.len() >= MIN_SECRET_BYTES => Secret(secret),
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "JWT_SECRET",
                    reason: format!("use at least {MIN_SECRET_BYTES} bytes"),
                });
            }
            None if on_lambda => return Err(ConfigError::Missing("JWT_SECRET")),
            // Locally a fresh secret per process is safe: tokens simply end with the process.
            None => Secret(random_secret()),
        };
        let clinic_tz = lookup("CLINIC_TZ")
            .unwrap_or_else(|| "Europe/Stockholm".to_owned())
            .parse::<Tz>()
            .map_err(|e| ConfigError::Invalid { name: "CLINIC_TZ", reason: e.to_string() })?;
        let database_max_connections = match lookup("DATABASE_MAX_CONNECTIONS") {
            Some(v) => v.parse().ok().filter(|n| *n > 0).ok_or(ConfigError::Invalid {
                name: "DATABASE_MAX_CONNECTIONS",
                reason: "a whole number from 1".into(),
            })?,
            None if on_lambda => 2,
            None => 16,
        };
        let mail_retry_base_secs = match lookup("MAIL_RETRY_BASE_SECONDS") {
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                name: "MAIL_RETRY_BASE_SECONDS",
                reason: "a whole number of seconds".into(),
            })?,
            None => 60,
        };
        Ok(Self {
            database_url: lookup("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            database_max_connections,
            database_ping_before_use: on_lambda,
            jwt_secret,
            app_url: lookup("APP_URL")
                .unwrap_or_else(|| "http://127.0.0.1:8080".into())
                .trim_end_matches('/')
                .to_owned(),
            mail_from: lookup("MAIL_FROM")
                .unwrap_or_else(|| "QHealth <no-reply@qhealth.local>".into()),
            clinic_tz,
            mail_retry_base: Duration::from_secs(mail_retry_base_secs),
            outbox: OutboxSettings::from_lookup(&lookup)?,
            ws_endpoint: lookup("WS_ENDPOINT").map(|url| url.trim_end_matches('/').to_owned()),
            clinic_name: lookup("CLINIC_NAME").unwrap_or_else(|| "QHealth Medical Centre".into()),
            clinic_address: lookup("CLINIC_ADDRESS")
                .unwrap_or_else(|| "Storgatan 12, 211 42 Malmö, Sweden".into()),
        })
    }
}

fn random_secret() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// `mysql://user:pw@host/db` → `mysql://user:***@host/db`, for logs.
pub fn redact_url_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => {
                    format!("{}{}:***{}", &url[..scheme_end + 3], &credentials[..colon], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| env.get(name).cloned())
    }

    #[test]
    fn defaults_suit_a_developer_machine() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.clinic_tz, chrono_tz::Europe::Stockholm);
        assert_eq!(config.app_url, "http://127.0.0.1:8080");
        assert!(config.jwt_secret.expose().len() >= MIN_SECRET_BYTES);
    }

    #[test]
    fn lambda_refuses_to_start_without_a_shared_secret() {
        let err = config(&[("AWS_LAMBDA_FUNCTION_NAME", "qhealth-auth")]).unwrap_err();
        assert!(matches!(err, ConfigError::Missing("JWT_SECRET")));
    }

    #[test]
    fn short_secrets_and_unknown_time_zones_are_refused() {
        assert!(config(&[("JWT_SECRET", "short")]).is_err());
        assert!(config(&[("CLINIC_TZ", "Mars/Olympus")]).is_err());
    }

    #[test]
    fn the_outbox_pass_has_defaults_and_refuses_nonsense() {
        let defaults = config(&[]).unwrap().outbox;
        assert_eq!(
            defaults,
            OutboxSettings {
                rate_per_second: 14,
                max_attempts: 8,
                pass_budget: Duration::from_secs(50)
            }
        );
        let set = config(&[
            ("MAIL_RATE_PER_SECOND", "50"),
            ("MAIL_MAX_ATTEMPTS", "3"),
            ("MAIL_PASS_SECONDS", "20"),
        ])
        .unwrap()
        .outbox;
        assert_eq!((set.rate_per_second, set.max_attempts, set.pass_budget.as_secs()), (50, 3, 20));
        for name in ["MAIL_RATE_PER_SECOND", "MAIL_MAX_ATTEMPTS", "MAIL_PASS_SECONDS"] {
            assert!(config(&[(name, "0")]).is_err(), "{name}=0");
            assert!(config(&[(name, "fast")]).is_err(), "{name}=fast");
        }
    }

    #[test]
    fn app_url_loses_its_trailing_slash() {
        let config = config(&[("APP_URL", "https://clinic.example/")]).unwrap();
        assert_eq!(config.app_url, "https://clinic.example");
    }

    #[test]
    fn debug_output_hides_secrets() {
        let config = config(&[
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef-very-secret"),
            ("DATABASE_URL", "mysql://app:hunter2@db:3306/qhealth"),
        ])
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("very-secret"));
        assert!(!shown.contains("hunter2"));
        assert!(shown.contains("mysql://app:***@db:3306/qhealth"));
    }
}
