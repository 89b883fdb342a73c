//! `/api/booking_doctor`: doctor visits (API.md).

use axum::Router;
use qhealth::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
