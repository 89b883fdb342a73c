//! The guard against lists whose cost grows with the table, which a fast machine cannot fool:
//! it counts rows, not milliseconds.
//!
//! On a clinic of some thousands of rows (`infra/perf/scale-seed.sql` and `records-seed.sql`:
//! 5,000 patients, 30,000 visits, journal entries and audit events, ...), every list the API
//! document names is asked for, as the superuser and as a patient, unfiltered and with each of
//! its filters (each value of an enum, every order), and at its first, middle and last page,
//! and with its filters two at a time (each with every order), and a few requests of more
//! ([`EXTRA_QUERIES`]).
//! Every statement the gateway ran for it is taken from MariaDB's general log (values and all)
//! and run again under `ANALYZE FORMAT=JSON`, which tells how many rows each step of the plan
//! really read (`r_rows` × `r_loops`). A statement that reads more than [`ROW_BUDGET`] rows, or
//! sorts more than that, fails the test, naming the request and the statement.
//!
//! A text filter (and gender or age) is answered from what it matches: its first pages cost a
//! page, but to find a deep page the rows it matches are read and sorted. So a list filtered
//! that way may also read [`ROWS_PER_MATCH`] rows per row its most selective filter matches
//! alone: bounded by the matches, never by the table.
//!
//! It is a test binary of its own because the general log is the server's: nothing else runs
//! while it reads it (cargo runs test binaries one after another). Needs MariaDB (`ANALYZE
//! FORMAT=JSON`) and a user that may `SET GLOBAL general_log`, as `make test` has.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../e2e/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::collections::{BTreeSet, HashMap};

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, MySqlConnection, MySqlPool, Row};

use harness::{PASSWORD, Session, TestApp};

/// Rows a page's statement may read: two blocks of ids (a page can start anywhere in one and
/// end in the next), four pages' worth for joins and small lookups, and the few hundred rows of
/// the small tables a filter reads first (staff, modalities, the distinct diagnoses, the
/// profiles a name matches). The clinic below has 30,000 visits and journal entries and 5,000
/// patients: reading a whole big table is more than ten times this budget.
const ROW_BUDGET: f64 = 2.0 * 1024.0 + 4.0 * 25.0 + 500.0;

/// A value for each text filter the document names: what a desk would type. A new filter
/// without a value here fails the test, so none goes unguarded.
const TEXT_SAMPLES: &[(&str, &str)] = &[
    ("icontains_name", "an"),
    ("icontains_surname", "lind"),
    ("icontains_city", "malm"),
    ("icontains_country", "swe"),
    ("icontains_role", "doc"),
    ("icontains_specialty", "card"),
    ("modality", "mri"),
    ("diagnostic_service", "mri"),
    ("specialty", "card"),
    ("doctor_name", "an"),
    ("doctor_surname", "berg"),
    ("patient_name", "an"),
    ("patient_surname", "lind"),
    ("diagnosis", "migr"),
    ("recipe", "ibupro"),
];

/// The first doctor of the seed below (staff are users 1001 + patients onwards; every third is
/// a doctor, from the first): a doctor's visits.
const NUMBER_SAMPLES: &[(&str, &str)] = &[
    ("min_age", "30"),
    ("max_age", "40"),
    ("doctor_id", "6001"),
    // The audit trail's: the first patient's events, the first doctor's reads.
    ("patient_id", "1001"),
    ("actor_id", "6001"),
];

/// Dates inside the seeded data, per list (path, parameter, value): the visits run from 1 June
/// to 8 July 2023, the diagnostic bookings from 8 January to 1 February 2024. A date
/// parameter without one here is tried with a birth date, `1990-05-05`.
const DATE_SAMPLES: &[(&str, &str, &str)] = &[
    ("/booking_doctor", "date_from", "2023-06-20"),
    ("/booking_doctor", "date_to", "2023-06-26"),
    ("/booking_diagnostic", "date_from", "2024-01-15"),
    ("/booking_diagnostic", "date_to", "2024-01-21"),
    // The audit events run for a minute each up to 26 November 2026.
    ("/audit", "date_from", "2026-11-20"),
    ("/audit", "date_to", "2026-11-22"),
];

/// Requests of more than two parameters worth guarding on their own: a doctor's day, a week
/// of one status or one patient surname in time order, and a week of one modality (CT: the
/// seed's MRI bookings are the patients' own requests, without a time).
const EXTRA_QUERIES: &[(&str, &str)] = &[
    ("/booking_doctor", "date_from=2023-06-20&date_to=2023-06-20&doctor_id=6001&order=date_time"),
    ("/booking_doctor", "date_from=2023-06-20&date_to=2023-06-26&status=booked&order=-date_time"),
    (
        "/booking_doctor",
        "date_from=2023-06-20&date_to=2023-06-26&patient_surname=lind&order=date_time",
    ),
    (
        "/booking_doctor",
        "date_from=2023-06-20&date_to=2023-06-26&specialty=card&status=cancelled&order=-id",
    ),
    (
        "/booking_diagnostic",
        "date_from=2024-01-15&date_to=2024-01-21&diagnostic_service=ct&order=date_time",
    ),
    ("/booking_diagnostic", "date_to=2024-01-21&patient_surname=lind&order=-date_time"),
];

/// What a filtered page may read per row its most selective filter matches: the key in its
/// index, its copy among the matched keys, the big table's row, a lookup for each other filter
/// and for the slice, and its place in the sort. (Measured: up to about seven.)
const ROWS_PER_MATCH: f64 = 8.0;

/// Parameters that pick a slice the schema counts on its own, or an order: they never add to a
/// list's budget.
const COUNTED_OR_ORDER: &[&str] = &["status", "success", "order"];

/// A date range read in time order is counted by the day blocks and walked along the time
/// index: it adds nothing to a list's budget. In id order its rows are read like a filter's
/// matches (it may add eight rows per row in the range), and `doctor_id` is a key like the
/// doctors a name filter matches.
const COUNTED_IN_TIME_ORDER: &[&str] = &["date_from", "date_to"];

#[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
async fn every_list_statement_reads_rows_bounded_by_the_page(db: MySqlPool) {
    let app = TestApp::spawn(db.clone()).await;
    let root = app.superuser_named("root@perf.test").await;
    seed(&db).await;
    let patient = app.session("person1@perf.test", PASSWORD).await;
    let document = openapi(&app).await;
    let mut log = StatementLog::start(&db).await;

    let mut overruns = Vec::new();
    let mut statements = 0;
    for (path, parameters) in list_operations(&document) {
        let mut queries = queries(&path, &parameters);
        let extra = EXTRA_QUERIES.iter().filter(|(list, _)| *list == path);
        queries.extend(extra.map(|(_, query)| (*query).to_owned()));
        let matched = matched_alone(&app, &root, &path, &queries).await;
        for query in &queries {
            let budget = ROW_BUDGET + ROWS_PER_MATCH * budget_matches(query, &matched) as f64;
            for (who, session) in [("superuser", &root), ("patient", &patient)] {
                for url in pages(&app, session, &path, query).await {
                    log.clear().await;
                    let (status, body) = app.get(session, &url).await;
                    assert!(
                        status.is_success() || status == StatusCode::FORBIDDEN,
                        "{url}: {body}"
                    );
                    for statement in log.statements().await {
                        statements += 1;
                        let rows = log.rows_read(&statement).await;
                        if rows.read > budget || rows.sorted > budget {
                            overruns.push(format!(
                                "GET {url} as {who}: read {:.0} rows, sorted {:.0} (budget \
                                 {budget:.0}): {statement}",
                                rows.read, rows.sorted
                            ));
                        }
                    }
                }
            }
        }
    }
    log.stop().await;
    assert!(statements > 1_000, "only {statements} statements were looked at");
    assert!(
        overruns.is_empty(),
        "{} list statements read more rows than their page needs:\n{}",
        overruns.len(),
        overruns.join("\n")
    );
}

/// How many rows each filtering parameter (`name=value`) of the queries matches alone.
async fn matched_alone(
    app: &TestApp,
    root: &Session,
    path: &str,
    queries: &BTreeSet<String>,
) -> HashMap<String, u64> {
    let parameters: BTreeSet<&str> =
        queries.iter().flat_map(|query| query.split('&')).filter(|p| !p.is_empty()).collect();
    let mut matched = HashMap::new();
    for parameter in parameters {
        let (status, body) = app.get(root, &format!("{path}?size=25&{parameter}")).await;
        assert_eq!(status, StatusCode::OK, "{path}?{parameter}: {body}");
        matched.insert(parameter.to_owned(), body["total_items"].as_u64().unwrap());
    }
    matched
}

/// The rows the most selective text, gender, age, doctor or (in id order) date filter of
/// `query` matches alone (0 for a query of counted slices, orders and, in time order, dates).
fn budget_matches(query: &str, matched: &HashMap<String, u64>) -> u64 {
    let by_time = query.split('&').any(|p| p == "order=date_time" || p == "order=-date_time");
    query
        .split('&')
        .filter(|parameter| {
            let name = parameter.split('=').next().unwrap_or_default();
            let counted = COUNTED_OR_ORDER.contains(&name)
                || (by_time && COUNTED_IN_TIME_ORDER.contains(&name));
            !parameter.is_empty() && !counted
        })
        .map(|parameter| matched[parameter])
        .min()
        .unwrap_or(0)
}

/// The clinic the lists are read from (its accounts share the superuser's password).
async fn seed(db: &MySqlPool) {
    let read = |file: &str| {
        let path = format!("{}/../infra/perf/{file}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    };
    let seed = read("scale-seed.sql") + &read("records-seed.sql");
    let sizes = "SET @now = '2026-11-26 11:00:00', @patients = 5000, @bookings = 5000, \
                 @visits = 30000, @journals = 30000, @prescriptions = 15000, @logins = 30000;";
    let mut conn = db.acquire().await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(format!("{sizes}\n{seed}"))).execute(&mut *conn).await.unwrap();
    sqlx::raw_sql(
        "ANALYZE TABLE users, profiles, roles, doctor_visits, patient_cards, patient_recipes, \
         diagnostic_bookings, diagnostics, login_attempts, list_blocks, list_key_counts, \
         list_title_counts, profile_suffixes, sick_leaves, audit_events, audit_event_patients",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
}

async fn openapi(app: &TestApp) -> Value {
    reqwest::get(app.url("/openapi.json")).await.unwrap().json().await.unwrap()
}

/// The list operations of the document (a GET answering a `Page_...`), with the names and
/// schemas of their query parameters but the page and its size.
fn list_operations(document: &Value) -> Vec<(String, Vec<(String, Value)>)> {
    let mut lists = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        let Some(get) = operations.get("get") else { continue };
        let answer = &get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
        if !answer.as_str().is_some_and(|name| name.contains("/Page_")) {
            continue;
        }
        let parameters = get["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| {
                p["in"] == "query" && !["page", "size"].contains(&p["name"].as_str().unwrap())
            })
            .map(|p| (p["name"].as_str().unwrap().to_owned(), p["schema"].clone()))
            .collect();
        lists.push((path.clone(), parameters));
    }
    assert!(lists.len() >= 10, "the document names only {} lists", lists.len());
    lists
}

/// The values a parameter of the list at `path` is tried with.
fn samples(path: &str, name: &str, schema: &Value) -> Vec<String> {
    let schema = resolved(schema);
    if let Some(values) = schema["enum"].as_array() {
        return values.iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    }
    let sample = |table: &[(&'static str, &'static str)]| {
        table.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    };
    match schema["type"].as_str() {
        Some("boolean") => vec!["true".into(), "false".into()],
        Some("integer") => vec![sample(NUMBER_SAMPLES).expect(name).to_owned()],
        _ if schema["format"] == "date" => {
            let date = DATE_SAMPLES.iter().find(|(list, n, _)| *list == path && *n == name);
            vec![date.map_or("1990-05-05", |(_, _, value)| *value).into()]
        }
        _ => vec![
            sample(TEXT_SAMPLES).unwrap_or_else(|| panic!("no sample value for {name}")).into(),
        ],
    }
}

/// A parameter's schema, or the one of its `allOf`/`oneOf` wrapper (inline enums).
fn resolved(schema: &Value) -> &Value {
    for wrapper in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema[wrapper].as_array().and_then(|all| all.first()) {
            return resolved(first);
        }
    }
    schema
}

/// The queries a list is asked: none, each parameter with each of its values, and each pair of
/// parameters with their first values — but `order`, each of whose values may read the list
/// another way, with all of them.
fn queries(path: &str, parameters: &[(String, Value)]) -> BTreeSet<String> {
    let tried: Vec<(String, Vec<String>)> = parameters
        .iter()
        .map(|(name, schema)| (name.clone(), samples(path, name, schema)))
        .collect();
    let paired = |name: &str, values: &[String]| -> Vec<String> {
        let values = if name == "order" { values } else { &values[..1] };
        values.iter().map(|value| format!("{name}={}", encoded(value))).collect()
    };
    let mut queries = BTreeSet::from([String::new()]);
    for (name, values) in &tried {
        for value in values {
            queries.insert(format!("{name}={}", encoded(value)));
        }
    }
    for (i, (first, first_values)) in tried.iter().enumerate() {
        for (second, second_values) in &tried[i + 1..] {
            for one in paired(first, first_values) {
                for other in paired(second, second_values) {
                    queries.insert(format!("{one}&{other}"));
                }
            }
        }
    }
    queries
}

fn encoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The first, middle and last page of a list as `session` sees it (fewer for a short list;
/// none for a list `session` may not read).
async fn pages(app: &TestApp, session: &Session, path: &str, query: &str) -> Vec<String> {
    let first = match query {
        "" => format!("{path}?size=25"),
        query => format!("{path}?size=25&{query}"),
    };
    let (status, body) = app.get(session, &first).await;
    if status != StatusCode::OK {
        return Vec::new();
    }
    let last = body["total_pages"].as_u64().unwrap();
    let mut pages: BTreeSet<u64> = BTreeSet::from([1, last.div_ceil(2), last]);
    pages.retain(|&page| page >= 1);
    pages.into_iter().map(|page| format!("{first}&page={page}")).collect()
}

/// The statements the gateway's connections ran, from the server's general log, and what
/// `ANALYZE FORMAT=JSON` says of each, on a connection of its own (which the log leaves out).
struct StatementLog {
    conn: MySqlConnection,
}

/// What one statement's plan read: rows read from tables (and derived tables), and rows fed to
/// sorts and temporary tables.
#[derive(Debug, Default)]
struct RowsRead {
    read: f64,
    sorted: f64,
}

impl StatementLog {
    async fn start(db: &MySqlPool) -> Self {
        let url = db.connect_options().to_url_lossy();
        let mut conn = MySqlConnection::connect(url.as_str()).await.unwrap();
        sqlx::raw_sql("SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 'ON'")
            .execute(&mut conn)
            .await
            .unwrap();
        Self { conn }
    }

    async fn stop(mut self) {
        sqlx::raw_sql("SET GLOBAL general_log = 'OFF'; TRUNCATE TABLE mysql.general_log")
            .execute(&mut self.conn)
            .await
            .unwrap();
    }

    async fn clear(&mut self) {
        sqlx::raw_sql("TRUNCATE TABLE mysql.general_log").execute(&mut self.conn).await.unwrap();
    }

    /// The SELECTs the other connections to this database ran since [`StatementLog::clear`].
    async fn statements(&mut self) -> Vec<String> {
        let rows = sqlx::raw_sql(
            "SELECT CONVERT(argument USING utf8mb4) AS statement FROM mysql.general_log \
             WHERE command_type = 'Execute' AND thread_id IN \
               (SELECT id FROM information_schema.processlist \
                WHERE db = DATABASE() AND id <> CONNECTION_ID())",
        )
        .fetch_all(&mut self.conn)
        .await
        .unwrap();
        rows.iter()
            .map(|row| row.get::<String, _>("statement"))
            .filter(|statement| statement.trim_start().to_ascii_uppercase().starts_with("SELECT"))
            .collect()
    }

    async fn rows_read(&mut self, statement: &str) -> RowsRead {
        let analyze = format!("ANALYZE FORMAT=JSON {statement}");
        let row = sqlx::raw_sql(AssertSqlSafe(analyze)).fetch_one(&mut self.conn).await.unwrap();
        let plan: Value = serde_json::from_str(&row.get::<String, _>(0)).unwrap();
        let mut rows = RowsRead::default();
        walk(&plan, false, &mut rows);
        rows
    }
}

/// Adds up the rows every table access of `plan` read, and those read under a sort or a
/// temporary table.
fn walk(plan: &Value, sorting: bool, rows: &mut RowsRead) {
    match plan {
        Value::Object(fields) => {
            if let Some(table) = fields.get("table") {
                let read = number(&table["r_rows"]) * number(&table["r_loops"]).max(1.0);
                rows.read += read;
                if sorting {
                    rows.sorted += read;
                }
            }
            for (key, value) in fields {
                let sorts = sorting || key == "filesort" || key == "temporary_table";
                walk(value, sorts, rows);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| walk(item, sorting, rows)),
        _ => {}
    }
}

fn number(value: &Value) -> f64 {
    value.as_f64().unwrap_or(0.0)
}
