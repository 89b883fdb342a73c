//! The `/api/openapi.json` and `/api/doc` Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    qhealth::lambda::run_http(qhealth_docs::router(qhealth_docs::COMMITTED_DOCUMENT)).await
}
