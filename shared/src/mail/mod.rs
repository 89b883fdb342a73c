//! E-mail: the [`Mailer`] seam (SES in production, a recorder in tests), the templates, and the
//! transactional outbox that makes sure nothing is lost when SES is down.

pub mod ics;
mod mime;
mod outbox;
mod ses;
mod templates;

use std::future::Future;
use std::pin::Pin;

pub use outbox::{
    Attempt, CLAIM, Queued, deliver, next_attempt_at, queue, queue_all, send_one, write,
};
pub use ses::SesMailer;
pub use templates::{Notification, render};

/// A rendered message, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// What the message carries besides its text: the booking's calendar event, if any.
    pub attachment: Option<Attachment>,
}

/// A file sent with a message. Only text is ever attached (the `.ics` of a booking), so it is
/// held as text and sent as UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The name a mail program shows and saves it under, e.g. `visit.ics`.
    pub filename: String,
    /// The MIME type with its parameters, e.g. [`ics::CONTENT_TYPE`].
    pub content_type: String,
    pub content: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait Mailer: Send + Sync + 'static {
    /// Sends one message from `from`; the provider's message id on success.
    fn send<'a>(
        &'a self,
        from: &'a str,
        email: &'a Email,
    ) -> BoxFuture<'a, Result<String, MailError>>;
}

/// Keeps what it is asked to send, attachments included, for tests; can be told to fail like
/// SES on a bad day.
#[derive(Default)]
pub struct RecordingMailer {
    sent: std::sync::Mutex<Vec<Email>>,
    failing: std::sync::atomic::AtomicBool,
}

impl RecordingMailer {
    pub fn sent(&self) -> Vec<Email> {
        self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn sent_to(&self, address: &str) -> Vec<Email> {
        self.sent().into_iter().filter(|e| e.to == address).collect()
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Mailer for RecordingMailer {
    fn send<'a>(
        &'a self,
        _from: &'a str,
        email: &'a Email,
    ) -> BoxFuture<'a, Result<String, MailError>> {
        Box::pin(async move {
            if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(MailError("mail service unavailable".into()));
            }
            let mut sent = self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            sent.push(email.clone());
            Ok(format!("recorded-{}", sent.len()))
        })
    }
}
