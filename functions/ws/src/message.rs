//! What a client may send on its socket, and what it is answered.
//!
//! `{"action": "subscribe" | "unsubscribe", "stream": "<stream>", "request_id": 1}`, or one of
//! QHealth v1's action names, each of which subscribes to one stream. `request_id` is optional,
//! a number or a string; it is echoed in the answer and in every push of the subscription.

use qhealth::realtime::Stream;
use serde_json::{Value, json};

/// QHealth v1's actions, each subscribing to one stream (its `stream` field is not needed).
const V1_SUBSCRIPTIONS: [(&str, Stream); 6] = [
    ("subscribe_to_diagnostics_model_changes", Stream::Diagnostics),
    ("subscribe_to_booking_diagnostics_model_changes", Stream::BookingDiagnostic),
    ("subscribe_to_booking_doctor_model_changes", Stream::BookingDoctor),
    ("subscribe_to_patient_card_model_changes", Stream::PatientCard),
    ("subscribe_to_patient_recipe_model_changes", Stream::PatientRecipe),
    // Not one of v1's messages, but named as they are, for clients written against them.
    ("subscribe_to_sick_leave_model_changes", Stream::SickLeave),
];

/// The longest `request_id` kept, as JSON text (the column `ws_subscriptions.request_id`).
pub const MAX_REQUEST_ID_CHARS: usize = 255;

const NOT_JSON: &str = "Send a JSON object such as \
     {\"action\": \"subscribe\", \"stream\": \"booking_doctor\", \"request_id\": 1}.";
const NO_ACTION: &str = "Name an action: \"subscribe\" or \"unsubscribe\".";
const UNKNOWN_ACTION: &str = "Unknown action. Use \"subscribe\" or \"unsubscribe\".";
const UNKNOWN_STREAM: &str = "Unknown stream. Streams: diagnostics, booking_diagnostic, \
     booking_doctor, patient_card, patient_recipe, sick_leave.";
const BAD_REQUEST_ID: &str = "request_id must be a number or a short string.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Subscribe(Stream),
    Unsubscribe(Stream),
}

/// A message as read: its `request_id` (kept even when the rest is wrong, so that the error
/// can name the request it answers) and what it asks, or why it cannot be done.
#[derive(Debug, PartialEq)]
pub struct Message {
    pub request_id: Value,
    pub request: Result<Request, &'static str>,
}

impl Message {
    pub fn read(body: &str) -> Self {
        let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(body) else {
            return Self { request_id: Value::Null, request: Err(NOT_JSON) };
        };
        let request_id = fields.get("request_id").cloned().unwrap_or(Value::Null);
        let request = if valid_request_id(&request_id) {
            request(fields.get("action"), fields.get("stream"))
        } else {
            Err(BAD_REQUEST_ID)
        };
        let request_id = if request == Err(BAD_REQUEST_ID) { Value::Null } else { request_id };
        Self { request_id, request }
    }

    /// `request_id` as stored with a subscription: its JSON text, or `NULL`.
    pub fn stored_request_id(&self) -> Option<String> {
        (!self.request_id.is_null()).then(|| self.request_id.to_string())
    }

    /// The acknowledgement: `{"request_id": 1, "status": "subscribed", "stream": "..."}`.
    pub fn done(&self, request: Request) -> String {
        let (status, stream) = match request {
            Request::Subscribe(stream) => ("subscribed", stream),
            Request::Unsubscribe(stream) => ("unsubscribed", stream),
        };
        json!({"request_id": self.request_id, "status": status, "stream": stream.as_str()})
            .to_string()
    }

    /// The refusal: `{"request_id": 1, "error": "..."}`.
    pub fn refused(&self, error: &str) -> String {
        refusal(&self.request_id, error)
    }
}

/// `{"request_id": ..., "error": "..."}`.
pub fn refusal(request_id: &Value, error: &str) -> String {
    json!({"request_id": request_id, "error": error}).to_string()
}

fn valid_request_id(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Number(_) | Value::String(_) => value.to_string().len() <= MAX_REQUEST_ID_CHARS,
        _ => false,
    }
}

fn request(action: Option<&Value>, stream: Option<&Value>) -> Result<Request, &'static str> {
    let action = action.and_then(Value::as_str).ok_or(NO_ACTION)?;
    let named_stream = || stream.and_then(Value::as_str).and_then(Stream::from_name);
    match action {
        "subscribe" => named_stream().map(Request::Subscribe).ok_or(UNKNOWN_STREAM),
        "unsubscribe" => named_stream().map(Request::Unsubscribe).ok_or(UNKNOWN_STREAM),
        v1 => V1_SUBSCRIPTIONS
            .iter()
            .find(|(name, _)| *name == v1)
            .map(|(_, stream)| Request::Subscribe(*stream))
            .ok_or(UNKNOWN_ACTION),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Message {
        Message::read(body)
    }

    #[test]
    fn subscribe_and_unsubscribe_name_a_stream() {
        let message =
            read(r#"{"action": "subscribe", "stream": "booking_doctor", "request_id": 7}"#);
        assert_eq!(message.request, Ok(Request::Subscribe(Stream::BookingDoctor)));
        assert_eq!(message.request_id, json!(7));
        assert_eq!(message.stored_request_id().as_deref(), Some("7"));
        let message = read(r#"{"action": "unsubscribe", "stream": "patient_card"}"#);
        assert_eq!(message.request, Ok(Request::Unsubscribe(Stream::PatientCard)));
        assert_eq!(message.stored_request_id(), None);
        for stream in Stream::ALL {
            let body = json!({"action": "subscribe", "stream": stream.as_str()}).to_string();
            assert_eq!(read(&body).request, Ok(Request::Subscribe(stream)));
        }
    }

    #[test]
    fn every_v1_action_subscribes_to_its_stream() {
        let expected = [
            ("subscribe_to_diagnostics_model_changes", Stream::Diagnostics),
            ("subscribe_to_booking_diagnostics_model_changes", Stream::BookingDiagnostic),
            ("subscribe_to_booking_doctor_model_changes", Stream::BookingDoctor),
            ("subscribe_to_patient_card_model_changes", Stream::PatientCard),
            ("subscribe_to_patient_recipe_model_changes", Stream::PatientRecipe),
        ];
        for (action, stream) in expected {
            let message = read(&json!({"action": action, "request_id": "a"}).to_string());
            assert_eq!(message.request, Ok(Request::Subscribe(stream)), "{action}");
            assert_eq!(message.stored_request_id().as_deref(), Some("\"a\""));
        }
    }

    #[test]
    fn wrong_messages_are_refused_with_a_reason() {
        assert_eq!(read("not json").request, Err(NOT_JSON));
        assert_eq!(read("[1, 2]").request, Err(NOT_JSON));
        assert_eq!(read(r#"{"stream": "diagnostics"}"#).request, Err(NO_ACTION));
        assert_eq!(read(r#"{"action": 5}"#).request, Err(NO_ACTION));
        assert_eq!(read(r#"{"action": "publish", "stream": "x"}"#).request, Err(UNKNOWN_ACTION));
        assert_eq!(
            read(r#"{"action": "subscribe", "stream": "users"}"#).request,
            Err(UNKNOWN_STREAM)
        );
        assert_eq!(read(r#"{"action": "subscribe"}"#).request, Err(UNKNOWN_STREAM));
        assert_eq!(
            read(r#"{"action": "subscribe", "stream": "Diagnostics"}"#).request,
            Err(UNKNOWN_STREAM)
        );
    }

    #[test]
    fn the_request_id_is_kept_for_the_answer_unless_it_is_itself_wrong() {
        let message = read(r#"{"action": "dance", "request_id": 3}"#);
        assert_eq!(message.request_id, json!(3));
        assert_eq!(message.refused("no"), r#"{"error":"no","request_id":3}"#);
        for bad in [json!({"a": 1}), json!([1]), json!(true), json!("x".repeat(300))] {
            let body = json!({"action": "subscribe", "stream": "diagnostics", "request_id": bad});
            let message = read(&body.to_string());
            assert_eq!(message.request, Err(BAD_REQUEST_ID), "{bad}");
            assert_eq!(message.request_id, Value::Null);
        }
    }

    #[test]
    fn acknowledgements_echo_the_request_id_and_stream() {
        let message = read(r#"{"action": "subscribe", "stream": "diagnostics", "request_id": 1}"#);
        let ack: Value = serde_json::from_str(&message.done(message.request.unwrap())).unwrap();
        assert_eq!(ack, json!({"request_id": 1, "status": "subscribed", "stream": "diagnostics"}));
    }
}
