//! Live updates (API.md, "WebSocket — real-time updates"): after a change commits, every
//! WebSocket connection subscribed to its stream whose user may read the object gets
//! `{"stream", "action", "data", "request_id"}`, with `data` as that user's GET would show it.
//!
//! Who may read what is the permission table's answer ([`access::authorize`] with the object's
//! patient as its owner), so a push never shows more than the REST API does. Delivery goes
//! through the [`Publisher`] seam: API Gateway's management API in production, and the same
//! client pointed at the local gateway's emulation of it on a developer's machine and in tests.
//!
//! Publishing never fails the change it reports: it runs after the commit, within
//! [`PUBLISH_BUDGET`], and what does not go out in time is logged and dropped (a client that
//! reconnects reloads its lists). It is awaited before the HTTP answer, not left to a detached
//! task, because a Lambda instance is frozen as soon as it has answered.

mod gateway;

use std::collections::HashMap;
use std::sync::Once;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Serialize;
use sqlx::{MySql, MySqlPool, QueryBuilder};

use crate::access::{self, Action, Actor, Role};
use crate::mail::BoxFuture;
use crate::state::AppState;
use crate::users::Viewer;

pub use gateway::ApiGatewayPublisher;

/// The longest a change's publishing may add to the request that made it: reading the
/// subscribers, rendering, pushing and forgetting connections that are gone.
pub const PUBLISH_BUDGET: Duration = Duration::from_secs(2);

/// How long pushes may take in all, inside [`PUBLISH_BUDGET`]; the rest is kept for forgetting
/// the connections that turned out to be gone.
const PUSH_WINDOW: Duration = Duration::from_millis(1500);

/// Pushes in flight at once: enough to reach hundreds of connections in a few round trips, few
/// enough not to open hundreds of connections to the management API at once.
const MAX_PUSHES_IN_FLIGHT: usize = 32;

/// What a client can subscribe to: one stream per kind of object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    Diagnostics,
    BookingDiagnostic,
    BookingDoctor,
    PatientCard,
    PatientRecipe,
    SickLeave,
}

impl Stream {
    pub const ALL: [Stream; 6] = [
        Stream::Diagnostics,
        Stream::BookingDiagnostic,
        Stream::BookingDoctor,
        Stream::PatientCard,
        Stream::PatientRecipe,
        Stream::SickLeave,
    ];

    /// The name clients use (and `ws_subscriptions.stream` stores): the REST collection's.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Diagnostics => "diagnostics",
            Self::BookingDiagnostic => "booking_diagnostic",
            Self::BookingDoctor => "booking_doctor",
            Self::PatientCard => "patient_card",
            Self::PatientRecipe => "patient_recipe",
            Self::SickLeave => "sick_leave",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|stream| stream.as_str() == name)
    }

    /// The permission that decides who may see an object of this stream, as its GET does.
    pub fn read_action(self) -> Action {
        match self {
            Self::Diagnostics => Action::ReadDiagnostic,
            Self::BookingDiagnostic => Action::ReadDiagnosticBooking,
            Self::BookingDoctor => Action::ReadDoctorVisit,
            Self::PatientCard => Action::ReadJournalEntry,
            Self::PatientRecipe => Action::ReadPrescription,
            Self::SickLeave => Action::ReadSickLeave,
        }
    }
}

/// What happened to the object (a cancelled visit is an `Update`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// A committed change, as far as deciding who hears of it goes.
#[derive(Debug, Clone)]
pub struct Change {
    pub stream: Stream,
    pub kind: ChangeKind,
    /// The patient the object is about (the owner the permission table checks); `None` for
    /// objects that belong to no one (modalities).
    pub owner: Option<u64>,
    /// Every user the object shows (its patient, whoever booked it): see
    /// [`Viewer::as_seen_in`].
    pub people: Vec<u64>,
}

/// Why a push did not arrive.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The client has gone (API Gateway's 410): its connection row can go too.
    #[error("the connection is gone")]
    Gone,
    #[error("{0}")]
    Failed(String),
}

/// Where pushes go: API Gateway's management API ([`ApiGatewayPublisher`]), or a recorder in
/// tests.
pub trait Publisher: Send + Sync + 'static {
    /// Sends `message` to the client on `connection_id` as one text frame.
    fn post<'a>(
        &'a self,
        connection_id: &'a str,
        message: &'a str,
    ) -> BoxFuture<'a, Result<(), PushError>>;

    /// Closes the connection `connection_id`.
    fn disconnect<'a>(&'a self, connection_id: &'a str) -> BoxFuture<'a, Result<(), PushError>>;
}

/// The publisher `WS_ENDPOINT` asks for, if any.
pub fn publisher_for(ws_endpoint: Option<&str>) -> Option<std::sync::Arc<dyn Publisher>> {
    let endpoint = ws_endpoint?;
    Some(std::sync::Arc::new(ApiGatewayPublisher::new(endpoint)))
}

/// Tells every subscriber of `change.stream` who may read the object about `change`; `render`
/// shows the object as a viewer's GET would. Never fails and never takes longer than
/// [`PUBLISH_BUDGET`]: problems are logged, without the object's content.
pub async fn publish<T: Serialize>(state: &AppState, change: Change, render: impl Fn(Viewer) -> T) {
    let Some(publisher) = state.publisher.as_deref() else {
        static OFF: Once = Once::new();
        OFF.call_once(|| tracing::debug!("WS_ENDPOINT is not set: live updates are off"));
        return;
    };
    let stream = change.stream.as_str();
    let work = async {
        let subscribers = subscribers(&state.db, change.stream).await?;
        let messages = messages(&change, subscribers, render);
        let outcome = push_all(publisher, &messages).await;
        forget(&state.db, &outcome.gone).await?;
        Ok::<_, sqlx::Error>(outcome)
    };
    match tokio::time::timeout(PUBLISH_BUDGET, work).await {
        Ok(Ok(outcome)) if outcome.failed == 0 && outcome.finished => tracing::debug!(
            stream,
            delivered = outcome.delivered,
            gone = outcome.gone.len(),
            "change published"
        ),
        Ok(Ok(outcome)) => tracing::warn!(
            stream,
            delivered = outcome.delivered,
            gone = outcome.gone.len(),
            failed = outcome.failed,
            unsent = outcome.unsent(),
            "change published in part"
        ),
        Ok(Err(error)) => tracing::warn!(stream, %error, "change not published"),
        Err(_) => tracing::warn!(stream, "change not published within its time budget"),
    }
}

/// A subscription, with what the permission table needs to know about its user.
struct Subscriber {
    connection_id: String,
    /// The JSON the client sent as its subscription's `request_id`.
    request_id: Option<String>,
    actor: Actor,
}

/// The subscriptions to `stream` of active users, with their roles: one statement.
async fn subscribers(db: &MySqlPool, stream: Stream) -> Result<Vec<Subscriber>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT s.connection_id, s.request_id, u.id AS user_id,
                  u.is_superuser AS "is_superuser: bool", u.is_staff AS "is_staff: bool",
                  r.role AS "staff_role?"
           FROM ws_subscriptions s
           JOIN ws_connections c ON c.connection_id = s.connection_id
           JOIN users u ON u.id = c.user_id
           LEFT JOIN roles r ON r.user_id = u.id
           WHERE s.stream = ? AND u.is_active"#,
        stream.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Subscriber {
            connection_id: row.connection_id,
            request_id: row.request_id,
            actor: Actor {
                user_id: row.user_id,
                role: Role::of(row.is_superuser, row.is_staff, row.staff_role.as_deref()),
            },
        })
        .collect())
}

/// One message per subscriber who may read the object: `(connection id, message)`. The object
/// is rendered once per distinct viewer, however many connections share it.
fn messages<T: Serialize>(
    change: &Change,
    subscribers: Vec<Subscriber>,
    render: impl Fn(Viewer) -> T,
) -> Vec<(String, String)> {
    let read = change.stream.read_action();
    let mut rendered: HashMap<Viewer, Option<String>> = HashMap::new();
    let mut messages = Vec::with_capacity(subscribers.len());
    for subscriber in subscribers {
        if access::authorize(subscriber.actor, read, change.owner).is_err() {
            continue;
        }
        let viewer = Viewer::from(subscriber.actor).as_seen_in(&change.people);
        let data = rendered.entry(viewer).or_insert_with(|| {
            serde_json::to_string(&render(viewer))
                .map_err(|error| tracing::error!(%error, "a pushed object did not serialize"))
                .ok()
        });
        if let Some(data) = data {
            let message = message(change, data, subscriber.request_id.as_deref());
            messages.push((subscriber.connection_id, message));
        }
    }
    messages
}

/// `{"stream", "action", "data", "request_id"}`, assembled from JSON already written, so that
/// an object rendered once is not serialized again for every connection. `request_id` is the
/// JSON the client subscribed with; anything that is not JSON becomes `null`.
fn message(change: &Change, data: &str, request_id: Option<&str>) -> String {
    let request_id = request_id
        .filter(|raw| serde_json::from_str::<serde_json::Value>(raw).is_ok())
        .unwrap_or("null");
    format!(
        r#"{{"stream":"{}","action":"{}","data":{data},"request_id":{request_id}}}"#,
        change.stream.as_str(),
        change.kind.as_str()
    )
}

/// What became of a change's pushes.
#[derive(Debug, Default)]
struct Outcome {
    total: usize,
    delivered: usize,
    failed: usize,
    /// Connections whose clients have left.
    gone: Vec<String>,
    /// Whether every push finished within [`PUSH_WINDOW`].
    finished: bool,
}

impl Outcome {
    fn unsent(&self) -> usize {
        self.total - self.delivered - self.failed - self.gone.len()
    }
}

/// Sends every message, [`MAX_PUSHES_IN_FLIGHT`] at a time, for at most [`PUSH_WINDOW`].
async fn push_all(publisher: &dyn Publisher, messages: &[(String, String)]) -> Outcome {
    let mut outcome = Outcome { total: messages.len(), ..Outcome::default() };
    let record_all = async {
        let mut waiting = messages.iter();
        let mut in_flight = FuturesUnordered::new();
        loop {
            while in_flight.len() < MAX_PUSHES_IN_FLIGHT
                && let Some((connection_id, message)) = waiting.next()
            {
                in_flight.push(push(publisher, connection_id, message));
            }
            let Some((connection_id, result)) = in_flight.next().await else { break };
            match result {
                Ok(()) => outcome.delivered += 1,
                Err(PushError::Gone) => outcome.gone.push(connection_id.to_owned()),
                Err(PushError::Failed(error)) => {
                    outcome.failed += 1;
                    tracing::debug!(connection_id, %error, "push failed");
                }
            }
        }
    };
    outcome.finished = tokio::time::timeout(PUSH_WINDOW, record_all).await.is_ok();
    outcome
}

/// One push, answered with the connection it went to.
async fn push<'a>(
    publisher: &'a dyn Publisher,
    connection_id: &'a str,
    message: &'a str,
) -> (&'a str, Result<(), PushError>) {
    (connection_id, publisher.post(connection_id, message).await)
}

/// Deletes the connections whose clients have gone (their subscriptions go with them).
async fn forget(db: &MySqlPool, gone: &[String]) -> Result<(), sqlx::Error> {
    if gone.is_empty() {
        return Ok(());
    }
    let mut query: QueryBuilder<MySql> =
        QueryBuilder::new("DELETE FROM ws_connections WHERE connection_id IN (");
    let mut ids = query.separated(", ");
    for id in gone {
        ids.push_bind(id);
    }
    query.push(")");
    query.build().execute(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests;
