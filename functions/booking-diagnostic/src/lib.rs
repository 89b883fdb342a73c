//! `/api/booking_diagnostic`: diagnostic bookings (API.md).

use axum::Router;
use qhealth::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
