//! The `/api/patient_recipe` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_patient_recipe::router()).await
}
