//! The `/api/security` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_security::router()).await
}
