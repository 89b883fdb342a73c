//! The `/api/roles` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_roles::router()).await
}
