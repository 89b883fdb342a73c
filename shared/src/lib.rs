//! `qhealth`: what every QHealth function needs.
//!
//! - [`config`]: typed settings from the environment;
//! - [`db`]: the MySQL pool and the embedded migrations;
//! - [`error`]: the one error type and its JSON bodies;
//! - [`http`]: the `/api` frame, request ids and the extractors for bodies, ids and queries;
//! - [`auth`]: passwords, tokens, sessions, login throttling and the signed-in [`auth::Caller`];
//! - [`access`]: the role model and the permission table;
//! - [`audit`]: the audit trail of who read or changed which patient's record;
//! - [`page`]: pagination, cached totals and filter parsing;
//! - [`lists`]: pages and totals whose cost is bounded by the page, not by the table;
//! - [`users`]: the User/Profile read model;
//! - [`pdf`]: laying out and writing printable documents;
//! - [`printout`]: a patient's record as a PDF on the clinic's letterhead;
//! - [`records`]: what journal entries and prescriptions share: text limits and their lists;
//! - [`validate`]: reading JSON bodies field by field, and the profile rules;
//! - [`aws`]: the settings the AWS SDK clients share;
//! - [`mail`]: the mailer, templates and the transactional outbox;
//! - [`realtime`]: live updates to WebSocket subscribers, as far as each may read;
//! - [`clock`]: time that tests can set;
//! - [`lambda`]: running a router as an AWS Lambda function.

pub mod access;
pub mod audit;
pub mod auth;
pub mod aws;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod lambda;
pub mod lists;
pub mod mail;
pub mod openapi;
pub mod page;
pub mod pdf;
pub mod printout;
pub mod realtime;
pub mod records;
pub mod state;
pub mod telemetry;
pub mod users;
pub mod validate;

pub use error::{ApiError, ApiResult};
pub use state::AppState;
