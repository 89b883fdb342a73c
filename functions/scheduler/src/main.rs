//! The scheduler's Lambda function: EventBridge Scheduler invokes it with an EventBridge event
//! whose `detail` names the job (see the crate's documentation).

// The optimised build computes the layout of the whole handler future (the passes' nested
// async functions), which goes deeper than the default limit of 128.
#![recursion_limit = "256"]

use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    qhealth::telemetry::init(true);
    let state = qhealth::lambda::state_from_env().await?;
    let state = &state;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        qhealth_scheduler::handle(state, event).await.map_err(lambda_runtime::Error::from)
    }))
    .await
}
