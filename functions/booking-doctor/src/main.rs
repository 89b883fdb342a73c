//! The `/api/booking_doctor` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_booking_doctor::router()).await
}
