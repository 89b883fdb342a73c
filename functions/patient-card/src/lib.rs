//! `/api/patient_card`: patient journals (API.md).

use axum::Router;
use qhealth::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
