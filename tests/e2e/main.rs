//! End-to-end tests: the local gateway on a random port, over real HTTP, against a fresh
//! database per test. E-mails are caught by a recording mailer; time is a settable clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod activation;
mod api_docs;
mod auth;
mod bad_input;
mod booking_diagnostic;
mod booking_doctor;
mod clinic_day;
mod dated_lists;
mod diagnostics;
mod lambda;
mod permissions;
mod realtime;
mod record_duties;
mod records;
mod reminders;
mod roles;
mod sample_events;
mod scheduler;
mod scheduling;
mod security;
mod users;
