//! Amazon SES v2. `AWS_ENDPOINT_URL_SESV2` points it at an emulator locally; with no AWS
//! credentials in that case, placeholder ones are used, since an emulator does not check them.

use std::time::Duration;

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

use super::{BoxFuture, Email, MailError, Mailer};
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

impl Mailer for SesMailer {
    fn send<'a>(
        &'a self,
        from: &'a str,
        email: &'a Email,
    ) -> BoxFuture<'a, Result<String, MailError>> {
        Box::pin(async move {
            let message = Message::builder()
                .subject(content(&email.subject)?)
                .body(
                    Body::builder().html(content(&email.html)?).text(content(&email.text)?).build(),
                )
                .build();
            let output = self
                .client
                .send_email()
                .from_email_address(from)
                .destination(Destination::builder().to_addresses(&email.to).build())
                .content(EmailContent::builder().simple(message).build())
                .send()
                .await
                .map_err(|e| MailError(aws_sdk_sesv2::error::DisplayErrorContext(e).to_string()))?;
            Ok(output.message_id().unwrap_or_default().to_owned())
        })
    }
}
