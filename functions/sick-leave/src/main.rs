//! The `/api/sick_leave` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_sick_leave::router()).await
}
