//! Amazon SES v2. `AWS_ENDPOINT_URL_SESV2` points it at an emulator locally; with no AWS
//! credentials in that case, placeholder ones are used, since an emulator does not check them.
//!
//! A message without an attachment goes as SES's "simple" content (SES writes the MIME); one
//! with an attachment as "raw" content, MIME written here (`super::mime`). The local emulator
//! (aws-ses-v2-local) takes both: it parses a raw message and keeps its text, HTML and
//! attachments in its store.

use std::time::Duration;

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, RawMessage};

use super::{BoxFuture, Email, MailError, Mailer, mime};
use crate::aws;

pub struct SesMailer {
    client: Client,
}

impl SesMailer {
    pub async fn from_env() -> Self {
        // A slow or absent SES must not hold a request for long: what does not go out stays in
        // the outbox, and the retry pass sends it later.
        let emulated = std::env::var_os("AWS_ENDPOINT_URL_SESV2").is_some();
        let shared = aws::sdk_config(
            Duration::from_secs(1),
            Duration::from_secs(3),
            emulated,
            "ses-emulator",
        )
        .await;
        Self { client: Client::new(&shared) }
    }
}

fn content(data: &str) -> Result<Content, MailError> {
    Content::builder().data(data).charset("UTF-8").build().map_err(|e| MailError(e.to_string()))
}

/// What SES is given to send: its own MIME from the parts, or ours when there is an attachment.
fn email_content(from: &str, email: &Email) -> Result<EmailContent, MailError> {
    if let Some(attachment) = &email.attachment {
        let raw = mime::raw_message(from, email, attachment);
        let raw = RawMessage::builder()
            .data(Blob::new(raw))
            .build()
            .map_err(|e| MailError(e.to_string()))?;
        return Ok(EmailContent::builder().raw(raw).build());
    }
    let message = Message::builder()
        .subject(content(&email.subject)?)
        .body(Body::builder().html(content(&email.html)?).text(content(&email.text)?).build())
        .build();
    Ok(EmailContent::builder().simple(message).build())
}

impl Mailer for SesMailer {
    fn send<'a>(
        &'a self,
        from: &'a str,
        email: &'a Email,
    ) -> BoxFuture<'a, Result<String, MailError>> {
        Box::pin(async move {
            let output = self
                .client
                .send_email()
                .from_email_address(from)
                // For raw content too: SES delivers to the destination, not to the To header.
                .destination(Destination::builder().to_addresses(&email.to).build())
                .content(email_content(from, email)?)
                .send()
                .await
                .map_err(|e| MailError(aws_sdk_sesv2::error::DisplayErrorContext(e).to_string()))?;
            Ok(output.message_id().unwrap_or_default().to_owned())
        })
    }
}
