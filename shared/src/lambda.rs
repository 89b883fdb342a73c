//! What a Lambda function's `main` needs: settings from the environment, a lazily connected
//! pool, SES, and the router served under `/api` by `lambda_http`.

use std::sync::Arc;

use axum::Router;

use crate::clock::SystemClock;
use crate::config::Config;
use crate::mail::SesMailer;
use crate::state::AppState;
use crate::{db, http, telemetry};

/// Builds the state shared by warm invocations of this instance.
pub async fn state_from_env() -> Result<AppState, lambda_http::Error> {
    let config = Config::from_env()?;
    let db = db::connect_lazy(&config)?;
    let mailer = SesMailer::from_env().await;
    Ok(AppState::new(db, config, Arc::new(mailer), Arc::new(SystemClock)))
}

/// Runs one HTTP function: `routes` is that domain's `router()`.
pub async fn run_http(routes: impl Into<Router<AppState>>) -> Result<(), lambda_http::Error> {
    telemetry::init(true);
    let state = state_from_env().await?;
    lambda_http::run(http::api(routes).with_state(state)).await
}
