//! Amazon SES v2. `AWS_ENDPOINT_URL_SESV2` points it at an emulator locally; with no AWS
//! credentials in that case, placeholder ones are used, since an emulator does not check them.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::config::Credentials;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

use super::{BoxFuture, Email, MailError, Mailer};

pub struct SesMailer {
    client: Client,
}

impl SesMailer {
    pub async fn from_env() -> Self {
        // Lambda always sets AWS_REGION; elsewhere a default beats probing for an EC2 metadata
        // service that is not there.
        let region = std::env::var("AWS_REGION")
            .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
            .map_or_else(|_| Region::new("eu-north-1"), Region::new);
        // A slow or absent SES must not hold a request for long: what does not go out stays in
        // the outbox, and the retry pass sends it later.
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(1))
            .operation_timeout(Duration::from_secs(3))
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(region)
            .timeout_config(timeouts)
            .retry_config(RetryConfig::standard().with_max_attempts(2));
        let emulated = std::env::var_os("AWS_ENDPOINT_URL_SESV2").is_some();
        if emulated && std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            loader = loader.credentials_provider(Credentials::new(
                "local",
                "local",
                None,
                None,
                "ses-emulator",
            ));
        }
        Self { client: Client::new(&loader.load().await) }
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
