//! The WebSocket API on a developer's machine: what API Gateway does in front of the `ws`
//! function, so that the function and the publishers run locally exactly as on AWS.
//!
//! - `GET /ws?token=...` hands the `ws` function a `$connect` event; the socket is upgraded
//!   only if the function accepts it, otherwise the function's status and JSON are the answer
//!   (401 for a bad token, no upgrade). Each client gets a fresh connection id; its text frames
//!   become `$default` events, and its going away a `$disconnect` event.
//! - The management API, in API Gateway's shape, so that the production SDK client works
//!   against it (`WS_ENDPOINT` = this gateway's address):
//!   `POST /@connections/{id}` sends the body to that client as one frame (200; 410 with
//!   `GoneException` if no such client is connected), `DELETE /@connections/{id}` closes it
//!   (204; 410), and `GET /@connections/{id}` answers
//!   `{"connectedAt", "lastActiveAt", "identity": {"sourceIp", "userAgent"}}` (200; 410).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use aws_lambda_events::encodings::Body as EventBody;
use axum::body::{Body, Bytes};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use qhealth::AppState;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// The management API's address (`WS_ENDPOINT`) of a gateway listening on `address`.
pub fn endpoint_of(address: SocketAddr) -> String {
    let ip = if address.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        address.ip()
    };
    format!("http://{}", SocketAddr::new(ip, address.port()))
}

/// `/ws` and `/@connections/{id}`, served with `state`, the HTTP routes' own.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/ws", get(open))
        .route("/@connections/{id}", get(describe).post(post).delete(close))
        .with_state(Gateway { state, clients: Arc::default() })
}

#[derive(Clone)]
struct Gateway {
    state: AppState,
    clients: Arc<Mutex<HashMap<String, Client>>>,
}

/// A connected client: where its frames go, and what `GET /@connections/{id}` tells.
struct Client {
    frames: mpsc::UnboundedSender<Message>,
    connected_at: DateTime<Utc>,
    last_active_at: DateTime<Utc>,
    source_ip: String,
    user_agent: String,
}

/// Who opened a connection, for its events.
#[derive(Clone)]
struct Opener {
    domain: String,
    source_ip: String,
    user_agent: String,
    connected_at: DateTime<Utc>,
}

impl Gateway {
    fn clients(&self) -> std::sync::MutexGuard<'_, HashMap<String, Client>> {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs the `ws` function on an event of `route` for `connection_id`.
    async fn invoke(
        &self,
        route: &str,
        connection_id: &str,
        opener: &Opener,
        query: Option<&HashMap<String, String>>,
        body: Option<&str>,
    ) -> ApiGatewayProxyResponse {
        let event = event(route, connection_id, opener, query, body, self.state.now());
        match serde_json::from_value::<ApiGatewayWebsocketProxyRequest>(event) {
            Ok(event) => qhealth_ws::handle(&self.state, event).await,
            Err(error) => {
                tracing::error!(%error, route, "could not build a WebSocket event");
                let mut response = ApiGatewayProxyResponse::default();
                response.status_code = 500;
                response
            }
        }
    }
}

/// An API Gateway WebSocket event, as the `ws` function receives it on AWS.
fn event(
    route: &str,
    connection_id: &str,
    opener: &Opener,
    query: Option<&HashMap<String, String>>,
    body: Option<&str>,
    now: DateTime<Utc>,
) -> Value {
    let event_type = match route {
        "$connect" => "CONNECT",
        "$disconnect" => "DISCONNECT",
        _ => "MESSAGE",
    };
    json!({
        "queryStringParameters": query,
        "requestContext": {
            "routeKey": route,
            "eventType": event_type,
            "messageDirection": "IN",
            "connectionId": connection_id,
            "connectedAt": opener.connected_at.timestamp_millis(),
            "requestTimeEpoch": now.timestamp_millis(),
            "requestId": uuid::Uuid::new_v4().to_string(),
            "domainName": opener.domain,
            "stage": "local",
            "apiId": "local",
            "identity": {"sourceIp": opener.source_ip, "userAgent": opener.user_agent},
        },
        "body": body,
        "isBase64Encoded": false,
    })
}

/// `GET /ws?token=...`: a `$connect` event first; the upgrade only if the function accepts.
async fn open(
    State(gateway): State<Gateway>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(not_a_websocket) => return not_a_websocket.into_response(),
    };
    let header_text =
        |name| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let opener = Opener {
        domain: header_text(header::HOST),
        source_ip: peer.ip().to_canonical().to_string(),
        user_agent: header_text(header::USER_AGENT),
        connected_at: gateway.state.now(),
    };
    let connection_id = uuid::Uuid::new_v4().simple().to_string();
    // The client is known before `$connect` runs, as on API Gateway, so that a push racing
    // the upgrade waits in its queue instead of finding no one (and having the row deleted).
    let (frames, queued) = mpsc::unbounded_channel();
    gateway.clients().insert(
        connection_id.clone(),
        Client {
            frames,
            connected_at: opener.connected_at,
            last_active_at: opener.connected_at,
            source_ip: opener.source_ip.clone(),
            user_agent: opener.user_agent.clone(),
        },
    );
    let verdict = gateway.invoke("$connect", &connection_id, &opener, Some(&query), None).await;
    if verdict.status_code != 200 {
        gateway.clients().remove(&connection_id);
        return proxied(verdict);
    }
    let on_failure = (gateway.clone(), connection_id.clone(), opener.clone());
    upgrade
        .on_failed_upgrade(move |_| {
            let (gateway, connection_id, opener) = on_failure;
            tokio::spawn(async move { gateway.hang_up(&connection_id, &opener).await });
        })
        .on_upgrade(move |socket| serve_client(gateway, connection_id, opener, socket, queued))
}

/// The function's refusal as an HTTP answer: its status and body.
fn proxied(response: ApiGatewayProxyResponse) -> Response {
    let status = u16::try_from(response.status_code)
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match response.body {
        Some(EventBody::Text(text)) => Body::from(text),
        Some(EventBody::Binary(bytes)) => Body::from(bytes),
        _ => Body::empty(),
    };
    let mut answer = (status, body).into_response();
    answer.headers_mut().extend(response.headers);
    answer
}

/// Relays frames both ways until either side closes, then sends `$disconnect`. A client's
/// messages are handled one at a time, in order, as API Gateway invokes them.
async fn serve_client(
    gateway: Gateway,
    connection_id: String,
    opener: Opener,
    mut socket: WebSocket,
    mut queued: mpsc::UnboundedReceiver<Message>,
) {
    loop {
        tokio::select! {
            frame = queued.recv() => match frame {
                Some(Message::Close(close)) => {
                    let _ = socket.send(Message::Close(close)).await;
                    break;
                }
                Some(frame) => {
                    if socket.send(frame).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    gateway.message(&connection_id, &opener, text.as_str()).await;
                }
                Some(Ok(Message::Binary(bytes))) => {
                    let text = String::from_utf8_lossy(&bytes);
                    gateway.message(&connection_id, &opener, &text).await;
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                // Pings are answered by the WebSocket layer itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            },
        }
    }
    gateway.hang_up(&connection_id, &opener).await;
}

impl Gateway {
    async fn message(&self, connection_id: &str, opener: &Opener, text: &str) {
        if let Some(client) = self.clients().get_mut(connection_id) {
            client.last_active_at = self.state.now();
        }
        self.invoke("$default", connection_id, opener, None, Some(text)).await;
    }

    /// The client is gone: forget it, and tell the function.
    async fn hang_up(&self, connection_id: &str, opener: &Opener) {
        self.clients().remove(connection_id);
        self.invoke("$disconnect", connection_id, opener, None, None).await;
    }

    /// Queues `frame` for a connected client; `false` if there is none.
    fn send(&self, connection_id: &str, frame: Message) -> bool {
        let clients = self.clients();
        clients.get(connection_id).is_some_and(|client| client.frames.send(frame).is_ok())
    }
}

/// API Gateway's answer for a connection that is not there, which its SDK reads as
/// `GoneException`.
fn gone() -> Response {
    let body = Json(json!({"message": "No connection with this id is open."}));
    (StatusCode::GONE, [("x-amzn-errortype", "GoneException")], body).into_response()
}

/// `POST /@connections/{id}`: the body, as one frame (text if it is UTF-8).
async fn post(
    State(gateway): State<Gateway>,
    Path(connection_id): Path<String>,
    body: Bytes,
) -> Response {
    let frame = match String::from_utf8(body.to_vec()) {
        Ok(text) => Message::Text(text.into()),
        Err(_) => Message::Binary(body),
    };
    if gateway.send(&connection_id, frame) { StatusCode::OK.into_response() } else { gone() }
}

/// `DELETE /@connections/{id}`: closes the client's socket.
async fn close(State(gateway): State<Gateway>, Path(connection_id): Path<String>) -> Response {
    if gateway.send(&connection_id, Message::Close(None)) {
        gateway.clients().remove(&connection_id);
        StatusCode::NO_CONTENT.into_response()
    } else {
        gone()
    }
}

/// `GET /@connections/{id}`: when the client connected and was last heard from, and who it is.
async fn describe(State(gateway): State<Gateway>, Path(connection_id): Path<String>) -> Response {
    let clients = gateway.clients();
    let Some(client) = clients.get(&connection_id) else { return gone() };
    let at = |moment: DateTime<Utc>| moment.to_rfc3339_opts(SecondsFormat::Millis, true);
    Json(json!({
        "connectedAt": at(client.connected_at),
        "lastActiveAt": at(client.last_active_at),
        "identity": {"sourceIp": client.source_ip, "userAgent": client.user_agent},
    }))
    .into_response()
}
