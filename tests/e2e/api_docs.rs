//! The API's documentation (API.md, "API documentation"): the OpenAPI document generated from
//! the handlers lists exactly the contract's operations, each with what a reader needs; the
//! committed `docs/openapi.json` and Postman collection agree with it; the gateway serves the
//! document and Swagger UI with its own files.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::MySqlPool;

use crate::harness::TestApp;

/// Every operation of the contract, as `METHOD /path`: each row of docs/API.md's tables that
/// starts with a method and a path, and the health check of its "Running it locally".
fn contract() -> BTreeSet<String> {
    let api_md = committed("API.md");
    let mut operations: BTreeSet<String> = api_md
        .lines()
        .filter_map(|line| {
            let row = line.strip_prefix("| ")?;
            let (method, rest) = row.split_once(' ')?;
            let path = rest.strip_prefix('`')?.split('`').next()?;
            ["GET", "POST", "PUT", "PATCH", "DELETE"]
                .contains(&method)
                .then(|| format!("{method} {path}"))
        })
        .collect();
    assert!(operations.len() >= 50, "docs/API.md's tables were not read: {operations:?}");
    assert!(api_md.contains("`GET /api/health`"));
    operations.insert("GET /health".to_owned());
    operations
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn generated() -> Value {
    let json = qhealth_local::openapi_json(qhealth_local::api_routes().into_openapi());
    serde_json::from_str(&json).unwrap()
}

fn committed(file: &str) -> String {
    let path = format!("{}/../docs/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// `(METHOD /path, operation)` for every operation of `document`.
fn operations(document: &Value) -> Vec<(String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((format!("{} {path}", method.to_uppercase()), operation));
            }
        }
    }
    found
}

#[test]
fn the_document_lists_exactly_the_contracts_operations() {
    let document = generated();
    assert_eq!(document["openapi"], "3.1.0");
    let documented: BTreeSet<String> = operations(&document).into_iter().map(|(o, _)| o).collect();
    let contract = contract();
    assert_eq!(
        documented.difference(&contract).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "documented, not in the contract"
    );
    assert_eq!(
        contract.difference(&documented).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "in the contract, not documented"
    );
    assert_eq!(document["servers"][0]["url"], "/api");
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

#[test]
fn every_operation_says_what_it_does_who_may_call_it_and_how_it_fails() {
    let document = generated();
    let mut operation_ids = BTreeSet::new();
    for (name, operation) in operations(&document) {
        let text = |key: &str| operation[key].as_str().unwrap_or_default().to_owned();
        assert!(!text("summary").is_empty(), "{name}: no summary");
        assert!(text("description").contains("**Who:**"), "{name}: no **Who:** line");
        assert!(operation_ids.insert(text("operationId")), "{name}: operationId taken");
        assert_eq!(operation["tags"].as_array().map(Vec::len), Some(1), "{name}: one tag");

        let answers = operation["responses"].as_object().unwrap();
        assert!(answers.keys().any(|status| status.starts_with('2')), "{name}: no success");
        assert!(answers.contains_key("500"), "{name}: no 500");
        let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
        if secured {
            assert!(answers.contains_key("401"), "{name}: signed in, but no 401");
        }
        if name.contains("{id}") {
            assert!(answers.contains_key("404"), "{name}: an id, but no 404");
            let parameters = operation["parameters"].as_array().unwrap();
            assert!(
                parameters.iter().any(|p| p["name"] == "id" && p["in"] == "path"),
                "{name}: the id is not declared"
            );
        }
        if operation.get("requestBody").is_some() {
            assert!(answers.contains_key("400"), "{name}: a body, but no 400");
        }
    }
    // Lists take the page parameters; the login may answer 429.
    for (name, operation) in operations(&document) {
        let answer = &operation["responses"]["200"]["content"]["application/json"]["schema"];
        let is_page = answer["$ref"].as_str().is_some_and(|r| r.contains("/Page_"));
        if is_page {
            let parameters = operation["parameters"].as_array().unwrap();
            for name_of in ["page", "size"] {
                assert!(parameters.iter().any(|p| p["name"] == name_of), "{name}: no {name_of}");
            }
        }
    }
    let login = &document["paths"]["/auth"]["post"]["responses"];
    assert!(login.get("429").is_some() && login.get("401").is_some());
}

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = qhealth_local::openapi_json(qhealth_local::api_routes().into_openapi());
    assert!(
        committed("openapi.json") == generated,
        "docs/openapi.json is stale: run `make docs` and commit it"
    );
}

#[test]
fn the_postman_collection_has_a_request_for_every_operation_and_signs_in() {
    let collection: Value =
        serde_json::from_str(&committed("qhealth.postman_collection.json")).unwrap();
    let mut requests = Vec::new();
    collect_requests(&collection["item"], &mut requests);
    let as_operations: BTreeSet<String> = requests
        .iter()
        .map(|item| {
            let request = &item["request"];
            let path: Vec<String> = request["url"]["path"]
                .as_array()
                .unwrap()
                .iter()
                .map(|part| {
                    let part = part.as_str().unwrap();
                    part.strip_prefix(':').map_or(part.to_owned(), |name| format!("{{{name}}}"))
                })
                .collect();
            assert_eq!(request["url"]["host"][0], "{{baseUrl}}");
            format!("{} /{}", request["method"].as_str().unwrap(), path.join("/"))
        })
        .collect();
    assert_eq!(requests.len(), as_operations.len(), "one request per operation");
    let documented: BTreeSet<String> =
        operations(&serde_json::from_str(&committed("openapi.json")).unwrap())
            .into_iter()
            .map(|(operation, _)| operation)
            .collect();
    assert_eq!(as_operations, documented);

    let variables: BTreeSet<&str> = collection["variable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variable| variable["key"].as_str().unwrap())
        .collect();
    for needed in ["host", "baseUrl", "access_token", "refresh_token", "email", "password"] {
        assert!(variables.contains(needed), "no {{{{{needed}}}}} variable");
    }
    assert_eq!(collection["auth"]["bearer"][0]["value"], "{{access_token}}");
    let sign_in = requests
        .iter()
        .find(|item| {
            item["request"]["method"] == "POST"
                && item["request"]["url"]["path"] == serde_json::json!(["auth"])
        })
        .expect("a sign-in request");
    assert!(sign_in["request"]["body"]["raw"].as_str().unwrap().contains("{{password}}"));
    let script = sign_in["event"][0]["script"]["exec"].to_string();
    assert!(script.contains("pm.collectionVariables.set('access_token'"), "{script}");
}

fn collect_requests<'v>(items: &'v Value, into: &mut Vec<&'v Value>) {
    for item in items.as_array().into_iter().flatten() {
        if item.get("request").is_some() {
            into.push(item);
        }
        collect_requests(&item["item"], into);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_gateway_serves_the_document_and_swagger_ui_from_its_own_files(db: MySqlPool) {
    let app = TestApp::spawn(db).await;
    let client = reqwest::Client::new();

    let response = client.get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap(), generated());

    let page = client.get(app.url("/doc")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(!html.contains("//"), "the page loads something from elsewhere:\n{html}");
    for (asset, content_type) in [
        ("/doc/swagger-ui-bundle.js", "text/javascript"),
        ("/doc/initializer.js", "text/javascript"),
        ("/doc/swagger-ui.css", "text/css"),
        ("/doc/favicon-32x32.png", "image/png"),
    ] {
        assert!(html.contains(&format!("\"/api{asset}\"")), "{asset} not referenced");
        let response = client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        let served = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(served.starts_with(content_type), "{asset}: {served}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{asset}");
    }
    let initializer =
        client.get(app.url("/doc/initializer.js")).send().await.unwrap().text().await.unwrap();
    assert!(initializer.contains("\"/api/openapi.json\""), "{initializer}");
}
