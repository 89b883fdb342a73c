//! `/api/diagnostics`: the clinic's modalities (API.md).

use axum::Router;
use qhealth::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
