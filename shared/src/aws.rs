//! The settings every AWS SDK client here shares (SES, API Gateway's management API).

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sesv2::config::Credentials;

/// The SDK's settings for a client whose calls may take `connect` to connect and `operation`
/// in all, tried at most twice (a second try helps with a network hiccup; more would only
/// hold up the request waiting for it). `emulated`: the client talks to a stand-in (the SES emulator,
/// the local gateway), which checks no signatures; with no AWS credentials configured, it gets
/// placeholder ones named `emulator`.
pub async fn sdk_config(
    connect: Duration,
    operation: Duration,
    emulated: bool,
    emulator: &'static str,
) -> SdkConfig {
    // Lambda always sets AWS_REGION; elsewhere a default beats probing for an EC2 metadata
    // service that is not there. Requests are signed for this region.
    let region = std::env::var("AWS_REGION")
        .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
        .map_or_else(|_| Region::new("eu-north-1"), Region::new);
    let timeouts =
        TimeoutConfig::builder().connect_timeout(connect).operation_timeout(operation).build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(2));
    if emulated && std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        loader =
            loader.credentials_provider(Credentials::new("local", "local", None, None, emulator));
    }
    loader.load().await
}
