//! The WebSocket API's Lambda function: `$connect`, `$disconnect` and `$default` events in,
//! API Gateway proxy responses out.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    qhealth::telemetry::init(true);
    let state = qhealth::lambda::state_from_env().await?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<ApiGatewayWebsocketProxyRequest>| {
        let state = state.clone();
        async move { Ok::<_, lambda_runtime::Error>(qhealth_ws::handle(&state, event.payload).await) }
    }))
    .await
}
