//! The `/api/booking_diagnostic` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_booking_diagnostic::router()).await
}
