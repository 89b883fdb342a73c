//! API Gateway's management API (`POST`/`DELETE /@connections/{id}`), at `WS_ENDPOINT`: the
//! WebSocket API's stage on AWS, the local gateway's emulation of it on a developer's machine.
//! Away from AWS, with no AWS credentials configured, placeholder ones are used (as for the SES
//! emulator): the local gateway does not check signatures.

use std::time::Duration;

use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::error::{DisplayErrorContext, SdkError};
use aws_sdk_apigatewaymanagement::operation::delete_connection::DeleteConnectionError;
use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use tokio::sync::OnceCell;

use super::{Publisher, PushError};
use crate::aws;
use crate::mail::BoxFuture;

/// One push may take this long; a client that slow is dropped for this change.
const PUSH_TIMEOUT: Duration = Duration::from_secs(1);

pub struct ApiGatewayPublisher {
    endpoint: String,
    /// Made on the first push: building it reads the environment's AWS settings, which is
    /// asynchronous, and an instance that never publishes never needs it.
    client: OnceCell<Client>,
}

impl ApiGatewayPublisher {
    pub fn new(endpoint: &str) -> Self {
        Self { endpoint: endpoint.trim_end_matches('/').to_owned(), client: OnceCell::new() }
    }

    async fn client(&self) -> &Client {
        self.client.get_or_init(|| connect(&self.endpoint)).await
    }
}

async fn connect(endpoint: &str) -> Client {
    // A client that is gone answers 410 at once; one push may take PUSH_TIMEOUT in all.
    let on_aws = endpoint.contains(".amazonaws.com");
    let shared = aws::sdk_config(PUSH_TIMEOUT, PUSH_TIMEOUT, !on_aws, "local-gateway").await;
    let config =
        aws_sdk_apigatewaymanagement::config::Builder::from(&shared).endpoint_url(endpoint).build();
    Client::from_conf(config)
}

impl Publisher for ApiGatewayPublisher {
    fn post<'a>(
        &'a self,
        connection_id: &'a str,
        message: &'a str,
    ) -> BoxFuture<'a, Result<(), PushError>> {
        Box::pin(async move {
            let client = self.client().await;
            let data = Blob::new(message.as_bytes());
            let sent = client.post_to_connection().connection_id(connection_id).data(data).send();
            verdict(sent.await, PostToConnectionError::is_gone_exception)
        })
    }

    fn disconnect<'a>(&'a self, connection_id: &'a str) -> BoxFuture<'a, Result<(), PushError>> {
        Box::pin(async move {
            let closed =
                self.client().await.delete_connection().connection_id(connection_id).send();
            verdict(closed.await, DeleteConnectionError::is_gone_exception)
        })
    }
}

/// A management API answer as a [`PushError`]: `is_gone` recognises the 410.
fn verdict<T, E, R>(
    result: Result<T, SdkError<E, R>>,
    is_gone: fn(&E) -> bool,
) -> Result<(), PushError>
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(_) => Ok(()),
        Err(error) if error.as_service_error().is_some_and(is_gone) => Err(PushError::Gone),
        Err(error) => Err(PushError::Failed(DisplayErrorContext(error).to_string())),
    }
}
