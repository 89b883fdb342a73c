//! `/api/patient_recipe`: prescriptions (API.md).

use axum::Router;
use qhealth::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
