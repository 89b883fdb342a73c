//! `/api/audit` and `/api/export`: what a clinic owes its patients about their records (API.md,
//! "Medical records") — who has read or changed them (the audit trail, written by every
//! function that shows a record: [`qhealth::audit`]), and everything held on a patient.

mod events;
mod export;

use qhealth::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(events::list_events))
        .routes(routes!(export::export_json))
        .routes(routes!(export::export_pdf))
}
