//! The `/api/diagnostics` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_diagnostics::router()).await
}
