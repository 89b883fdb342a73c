//! The parts of the OpenAPI 3.1 document every function shares (API.md, "API documentation"):
//! the error body, paging and ordering parameters, the bearer scheme, and [`finish`], which turns
//! the operations the handlers declare into the whole document.
//!
//! Each function crate registers its handlers with `utoipa_axum`'s `routes!`, which takes the
//! path and method from the handler's `#[utoipa::path]`: a route cannot exist without its
//! documentation. The handler declares what only it knows (its success answer, its 403, 409 and
//! 429); [`finish`] adds the error answers that follow from an operation's shape, so that no
//! operation forgets one: 400 when it reads a query or a body, 401 when it needs a token, 404
//! for an `{id}` or a page number, 413 for a body, 500 everywhere.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::server::Server;
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, LicenseBuilder, OpenApi, Ref, RefOr, Response,
    ResponseBuilder,
};
use utoipa::{IntoParams, PartialSchema, ToResponse, ToSchema};

/// The name of the bearer scheme in `security(("bearer" = []))`.
pub const BEARER: &str = "bearer";

/// Every error body. `detail` always says what went wrong; `errors` names each failing field of
/// a 400 "Invalid data." (a dotted path for nested fields); `request_id` comes with a 500, to
/// quote when reporting it.
#[derive(Debug, ToSchema)]
#[schema(example = json!({
    "detail": "Invalid data.",
    "errors": {"profile.date_of_birth": ["You must be at least 18 years old to register."]}
}))]
pub struct Problem {
    pub detail: String,
    #[schema(nullable = false)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    #[schema(nullable = false)]
    pub request_id: Option<String>,
}

/// A body that is only a message, e.g. `{"detail": "Email successfully verified"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Detail {
    pub detail: String,
}

/// `page` and `size`, which every list takes.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page, from 1. A page past the last one is a 404 "Invalid page."; an empty list still
    /// has page 1.
    #[param(minimum = 1, example = 1, nullable = false)]
    pub page: Option<u64>,
    /// Items per page, 5 by default; a size over 25 is read as 25.
    #[param(minimum = 1, example = 5, nullable = false)]
    pub size: Option<u64>,
}

/// The order of a list that can be read oldest or newest first.
#[derive(Debug, Serialize, ToSchema)]
pub enum IdOrder {
    /// By id, ascending (the default).
    #[serde(rename = "id")]
    Id,
    /// By id, descending: newest first.
    #[serde(rename = "-id")]
    NewestFirst,
}

/// The order of a list of appointments (visits, diagnostic bookings): by id, or by when they
/// take place.
#[derive(Debug, Serialize, ToSchema)]
pub enum AppointmentOrder {
    /// By id, ascending (the default).
    #[serde(rename = "id")]
    Id,
    /// By id, descending: newest first.
    #[serde(rename = "-id")]
    NewestFirst,
    /// By date and time, earliest first; ties by id.
    #[serde(rename = "date_time")]
    DateTime,
    /// By date and time, latest first; ties by id, descending.
    #[serde(rename = "-date_time")]
    LatestFirst,
}

/// Takes the operations the function crates declared, as merged by the gateway, and makes the
/// document: title, the `/api` server, the bearer scheme, the tags, and each operation's
/// error answers.
pub fn finish(mut document: OpenApi) -> OpenApi {
    document.info = InfoBuilder::new()
        .title("QHealth API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(DESCRIPTION))
        .license(Some(LicenseBuilder::new().name("MIT").identifier(Some("MIT")).build()))
        .build();
    document.servers = Some(vec![Server::new("/api")]);
    document.tags = Some(
        TAGS.iter()
            .map(|(name, description)| {
                TagBuilder::new().name(*name).description(Some(*description)).build()
            })
            .collect(),
    );
    let components = document.components.take().unwrap_or_default();
    let mut components = ComponentsBuilder::from(components)
        .schema("Problem", Problem::schema())
        .security_scheme(BEARER, SecurityScheme::Http(bearer_scheme()));
    for answer in ERRORS {
        components = components.response(answer.1, error_response(answer));
    }
    document.components = Some(components.build());
    for item in document.paths.paths.values_mut() {
        for operation in
            [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
                .into_iter()
                .flatten()
        {
            name_operation(operation);
            add_error_answers(operation);
            describe_answers(operation);
        }
    }
    document
}

/// `<tag>_<handler>` (`diagnostics_list`), unique across functions whose handlers share names;
/// Postman and the fuzzer name requests by it.
fn name_operation(operation: &mut Operation) {
    if let (Some(tag), Some(id)) = (operation.tags.iter().flatten().next(), &operation.operation_id)
        && !id.starts_with(tag.as_str())
    {
        operation.operation_id = Some(format!("{tag}_{id}"));
    }
}

/// OpenAPI requires a description on every answer; a handler's own success answer usually
/// needs no more than its status's name.
fn describe_answers(operation: &mut Operation) {
    for (status, answer) in &mut operation.responses.responses {
        if let RefOr::T(answer) = answer
            && answer.description.is_empty()
        {
            answer.description = match status.as_str() {
                "200" => "OK.",
                "201" => "Created.",
                "204" => "Done; no content.",
                _ => "See the operation's description.",
            }
            .to_owned();
        }
    }
}

fn bearer_scheme() -> Http {
    let mut scheme = Http::new(HttpAuthScheme::Bearer);
    scheme.bearer_format = Some("JWT".to_owned());
    scheme.description =
        Some("An access token from `POST /auth` or `POST /auth/refresh` (10 minutes).".to_owned());
    scheme
}

/// The error answers [`finish`] may add: status, component name, description, example body.
type ErrorAnswer = (&'static str, &'static str, &'static str, fn() -> serde_json::Value);

const ERRORS: &[ErrorAnswer] = &[
    (
        "400",
        "BadRequest",
        "Invalid input: every failing field is named in `errors`; \
      malformed JSON is \"Invalid request format.\"; a malformed query parameter is named too.",
        || json!({"detail": "Invalid data.", "errors": {"size": ["Enter a whole number from 1."]}}),
    ),
    (
        "401",
        "Unauthorized",
        "Bad credentials; no token, or an invalid, expired, used or \
      revoked one; or an account that is not active.",
        || json!({"detail": "Authentication credentials were not provided."}),
    ),
    (
        "403",
        "Forbidden",
        "Signed in, but the caller's role may not do this (also the limits on \
      acting on oneself, on admins and on superusers).",
        || json!({"detail": "You don't have access."}),
    ),
    (
        "404",
        "NotFound",
        "No such object, or not one the caller may see (existence does not \
      leak); for a list, a page past the last one (\"Invalid page.\").",
        || json!({"detail": "Not found."}),
    ),
    (
        "409",
        "Conflict",
        "A business rule forbids it; `detail` says which, in words a clinic \
      employee understands.",
        || json!({"detail": "This modality already exists."}),
    ),
    (
        "413",
        "PayloadTooLarge",
        "The request body is over 256 KiB.",
        || json!({"detail": "Request body is too large."}),
    ),
    (
        "429",
        "TooManyRequests",
        "Too many failed logins from this address or for this account; \
      `Retry-After` gives the seconds to wait.",
        || json!({"detail": "Too many failed login attempts. Try again in 10 minutes."}),
    ),
    (
        "500",
        "InternalError",
        "Something failed on the server; nothing was half-done. Quote \
      `request_id` when reporting it.",
        || json!({"detail": "Internal error.", "request_id": "9f1c2d3e-0000-4000-8000-000000000000"}),
    ),
];

fn error_response((status, _, description, example): &ErrorAnswer) -> Response {
    let response = ResponseBuilder::new().description(*description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .example(Some(example()))
            .build(),
    );
    if *status == "429" {
        let seconds = HeaderBuilder::new()
            .schema(Some(u64::schema()))
            .description(Some("Whole seconds until login may be tried again."))
            .example(Some(json!(600)))
            .build();
        return response.header("Retry-After", seconds).build();
    }
    response.build()
}

fn error_answer(status: &str) -> &'static ErrorAnswer {
    ERRORS.iter().find(|(code, ..)| *code == status).unwrap_or(&ERRORS[ERRORS.len() - 1])
}

/// The shared error answers, for a handler to declare the ones only it knows, e.g.
/// `responses((status = 409, response = Conflict))`.
macro_rules! error_answers {
    ($($name:ident = $status:literal),* $(,)?) => {$(
        #[doc = concat!("The shared ", $status, " answer.")]
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                let answer = error_answer($status);
                (answer.1, RefOr::T(error_response(answer)))
            }
        }
    )*};
}

error_answers!(Unauthorized = "401", Forbidden = "403", Conflict = "409", TooManyRequests = "429");

/// A reference to the shared answer for `status`.
fn reference_to(status: &str) -> RefOr<Response> {
    RefOr::Ref(Ref::from_response_name(error_answer(status).1))
}

/// Adds the answers that follow from the operation's shape; those it declared itself stay.
fn add_error_answers(operation: &mut Operation) {
    let parameters =
        operation.parameters.iter().flatten().filter_map(|parameter| match parameter {
            RefOr::T(parameter) => Some(parameter),
            RefOr::Ref(_) => None,
        });
    let (mut reads_query, mut names_an_object) = (false, false);
    for parameter in parameters {
        match parameter.parameter_in {
            ParameterIn::Query => reads_query = true,
            ParameterIn::Path if parameter.name == "id" => names_an_object = true,
            _ => {}
        }
        if parameter.name == "page" {
            names_an_object = true;
        }
    }
    let has_body = operation.request_body.is_some();
    let needs_token =
        operation.security.as_ref().is_some_and(|requirements| !requirements.is_empty());
    let answers = &mut operation.responses.responses;
    let mut add = |status: &str, when: bool| {
        if when && !answers.contains_key(status) {
            answers.insert(status.to_owned(), reference_to(status));
        }
    };
    add("400", reads_query || has_body);
    add("401", needs_token);
    add("404", names_an_object);
    add("413", has_body);
    add("500", true);
}

const TAGS: &[(&str, &str)] = &[
    ("auth", "Signing in, tokens, activation and password recovery."),
    ("users", "Accounts and profiles: registration, the user and patient lists, blocking, admins."),
    ("roles", "Staff members (doctors, operators, pharmacists) and doctors' availability."),
    ("diagnostics", "The clinic's modalities: the examinations patients are booked for."),
    ("booking_diagnostic", "Patients' bookings for a diagnostic examination."),
    (
        "booking_doctor",
        "Doctor visits: booking and cancelling, doctors' working hours and free slots.",
    ),
    ("patient_card", "Patient journals: entries are never edited; a correction is a new entry."),
    ("patient_recipe", "Prescriptions."),
    (
        "sick_leave",
        "Sick-leave certificates: issued by doctors, never edited; a correction is a new one.",
    ),
    ("security", "The login history, for staff."),
    (
        "audit",
        "Who read or changed which patient's record (append-only), and a patient's data export.",
    ),
    ("health", "Whether the service can reach its database."),
];

const DESCRIPTION: &str = "\
The QHealth clinic's API. Every path is served under `/api`; JSON in and out, UTF-8, no \
trailing slashes.

**Signing in.** `POST /auth` with e-mail and password answers an access token (10 minutes) and \
a refresh token (20 minutes, single use: `POST /auth/refresh` rotates it, and presenting a used \
one again revokes the whole family). Send the access token as `Authorization: Bearer <access>`.

**Who may call.** Each operation's description names the roles that may call it: *staff* is a \
superuser or an admin; doctor, operator and pharmacist are staff roles; everyone else is a \
patient. A patient asking for another patient's object gets 404, so existence does not leak.

**Lists** take `page` (from 1) and `size` (5 by default, at most 25) and answer \
`{total_items, total_pages, prev, next, data}`, ordered by id unless `order` says otherwise. \
Text filters match anywhere in the value, ignoring case and accents (`malmo` finds `Malmö`); \
unknown query parameters are ignored.

**Date-times** are answered in UTC with `Z`. A booking's `date_time` may be sent with `Z` or \
an offset, or without one, when it is read in the clinic's time zone.

**Errors** are always JSON with a `detail`; a 400 names every failing field in `errors`.";

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::path::{OperationBuilder, ParameterBuilder};
    use utoipa::openapi::request_body::RequestBodyBuilder;
    use utoipa::openapi::security::SecurityRequirement;

    fn statuses(operation: &Operation) -> Vec<&str> {
        operation.responses.responses.keys().map(String::as_str).collect()
    }

    #[test]
    fn a_public_operation_without_input_can_only_fail_inside() {
        let mut operation = OperationBuilder::new().build();
        add_error_answers(&mut operation);
        assert_eq!(statuses(&operation), ["500"]);
    }

    #[test]
    fn the_shape_of_an_operation_decides_its_error_answers() {
        let mut operation = OperationBuilder::new()
            .parameter(ParameterBuilder::new().name("id").parameter_in(ParameterIn::Path))
            .request_body(Some(RequestBodyBuilder::new().build()))
            .security(SecurityRequirement::new(BEARER, Vec::<String>::new()))
            .build();
        add_error_answers(&mut operation);
        assert_eq!(statuses(&operation), ["400", "401", "404", "413", "500"]);
    }

    #[test]
    fn operations_are_named_after_their_tag_and_every_answer_is_described() {
        let mut operation = OperationBuilder::new()
            .tag("diagnostics")
            .operation_id(Some("list"))
            .response("200", ResponseBuilder::new().build())
            .build();
        name_operation(&mut operation);
        describe_answers(&mut operation);
        assert_eq!(operation.operation_id.as_deref(), Some("diagnostics_list"));
        let RefOr::T(answer) = &operation.responses.responses["200"] else { panic!("inline") };
        assert_eq!(answer.description, "OK.");
    }

    #[test]
    fn a_list_may_answer_invalid_page_and_an_answer_declared_by_hand_stays() {
        let declared = RefOr::T(ResponseBuilder::new().description("declared").build());
        let mut operation = OperationBuilder::new()
            .parameter(ParameterBuilder::new().name("page").parameter_in(ParameterIn::Query))
            .response("400", declared.clone())
            .build();
        add_error_answers(&mut operation);
        assert_eq!(statuses(&operation), ["400", "404", "500"]);
        assert!(operation.responses.responses["400"] == declared, "the declared 400 was replaced");
    }
}
