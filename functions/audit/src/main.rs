//! The `/api/audit` and `/api/export` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_audit::router()).await
}
