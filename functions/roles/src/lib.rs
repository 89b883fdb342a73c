//! `/api/roles`: staff members, doctors, booking availability (API.md).

use axum::Router;
use qhealth::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
