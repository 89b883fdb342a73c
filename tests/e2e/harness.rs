//! Starting a gateway for one test, and the people who use it.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use qhealth::AppState;
use qhealth::access::Role;
use qhealth::auth::Passwords;
use qhealth::clock::{Clock, ManualClock};
use qhealth::config::Config;
use qhealth::mail::{Email, RecordingMailer};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;

pub const PASSWORD: &str = "Secret#123";
pub const APP_URL: &str = "http://app.test";

/// Noon in Stockholm on a winter day: far from midnight, so "today" is the same in UTC.
pub fn start_of_test() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 11, 0, 0).unwrap()
}

pub struct TestApp {
    pub base: String,
    pub db: MySqlPool,
    pub mailer: Arc<RecordingMailer>,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    client: reqwest::Client,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: u64,
    pub email: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn spawn(db: MySqlPool) -> Self {
        // Bound first: live updates are pushed through the real SDK client to this gateway's
        // own management API.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let config = Config::from_lookup(|name| match name {
            "APP_URL" => Some(APP_URL.into()),
            "JWT_SECRET" => Some("an end-to-end test secret of 32+ bytes".into()),
            "WS_ENDPOINT" => Some(qhealth_local::ws::endpoint_of(address)),
            _ => None,
        })
        .unwrap();
        let mailer = Arc::new(RecordingMailer::default());
        let clock = ManualClock::new(start_of_test());
        let state = AppState::new(db.clone(), config, mailer.clone(), clock.clone());
        let base = format!("http://{address}/api");
        let server = tokio::spawn(qhealth_local::serve(
            listener,
            qhealth_local::app(state.clone()),
            std::future::pending(),
        ));
        Self { base, db, mailer, clock, state, client: reqwest::Client::new(), server }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `ws://<gateway>/ws?<query>`.
    pub fn ws_url(&self, query: &str) -> String {
        let host = self.base.trim_start_matches("http://").trim_end_matches("/api");
        format!("ws://{host}/ws?{query}")
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// A request from another address on the loopback network (127.0.0.x), as another
    /// computer would make it.
    pub fn request_from(&self, last_octet: u8, method: Method, path: &str) -> RequestBuilder {
        let address = IpAddr::V4(Ipv4Addr::new(127, 0, 0, last_octet));
        reqwest::Client::builder()
            .local_address(address)
            .build()
            .unwrap()
            .request(method, self.url(path))
    }

    pub fn as_user(&self, session: &Session, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(&session.access)
    }

    pub async fn get(&self, session: &Session, path: &str) -> (StatusCode, Value) {
        send(self.as_user(session, Method::GET, path)).await
    }

    pub async fn patch(&self, session: &Session, path: &str, body: Value) -> (StatusCode, Value) {
        send(self.as_user(session, Method::PATCH, path).json(&body)).await
    }

    pub async fn delete(&self, session: &Session, path: &str) -> (StatusCode, Value) {
        send(self.as_user(session, Method::DELETE, path)).await
    }

    pub async fn post_anonymous(&self, path: &str, body: Value) -> (StatusCode, Value) {
        send(self.request(Method::POST, path).json(&body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        self.post_anonymous("/auth", json!({"email": email, "password": password})).await
    }

    pub async fn session(&self, email: &str, password: &str) -> Session {
        let (status, body) = self.login(email, password).await;
        assert_eq!(status, StatusCode::OK, "login of {email}: {body}");
        let id = user_id_of(&self.db, email).await;
        Session {
            id,
            email: email.to_owned(),
            access: body["access"].as_str().unwrap().to_owned(),
            refresh: body["refresh"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn superuser(&self) -> Session {
        self.superuser_named("root@clinic.test").await
    }

    pub async fn superuser_named(&self, email: &str) -> Session {
        let passwords = Passwords::new(1);
        qhealth_local::create_superuser(
            &self.db,
            &passwords,
            email,
            PASSWORD,
            "Super",
            "User",
            self.clock.now(),
        )
        .await
        .unwrap();
        self.session(email, PASSWORD).await
    }

    /// Registers through the API (as Eva Lind), activates with the e-mailed link, and signs in.
    pub async fn patient(&self, email: &str) -> Session {
        self.patient_named(email, "Eva", "Lind").await
    }

    /// [`TestApp::patient`], with a name of one's own.
    pub async fn patient_named(&self, email: &str, name: &str, surname: &str) -> Session {
        self.register(email, profile(name, surname)).await;
        self.activate(email).await;
        self.session(email, PASSWORD).await
    }

    pub async fn register(&self, email: &str, profile: Value) -> Value {
        let (status, body) = self
            .post_anonymous(
                "/users",
                json!({"email": email, "password": PASSWORD, "profile": profile}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "registration of {email}: {body}");
        body
    }

    pub async fn activate(&self, email: &str) -> Value {
        let token = self.link_token(email, "/auth/activate/");
        let (status, body) =
            send(self.request(Method::PATCH, &format!("/auth/activate/{token}"))).await;
        assert_eq!(status, StatusCode::OK, "activation of {email}: {body}");
        body
    }

    /// An active user with a staff member's row (`doctor`, `operator` or `pharmacist`) or the
    /// admin flag, signed in.
    pub async fn staff(&self, email: &str, role: Role) -> Session {
        let session = self.patient(email).await;
        match role {
            Role::Admin => {
                sqlx::query("UPDATE users SET is_staff = TRUE WHERE id = ?")
                    .bind(session.id)
                    .execute(&self.db)
                    .await
                    .unwrap();
            }
            Role::Doctor | Role::Operator | Role::Pharmacist => {
                let specialty = (role == Role::Doctor).then_some("Cardiology");
                sqlx::query(
                    "INSERT INTO roles (user_id, role, specialty, created_at, updated_at) \
                     VALUES (?, ?, ?, NOW(6), NOW(6))",
                )
                .bind(session.id)
                .bind(role.as_str())
                .bind(specialty)
                .execute(&self.db)
                .await
                .unwrap();
            }
            Role::Superuser | Role::Patient => panic!("use superuser() or patient()"),
        }
        bump_users(&self.db).await;
        session
    }

    pub fn emails_to(&self, address: &str) -> Vec<Email> {
        self.mailer.sent_to(address)
    }

    /// Waits (up to five seconds) until `address` has received `n` e-mails: some are sent in
    /// the background, after the answer.
    pub async fn wait_for_emails(&self, address: &str, n: usize) -> Vec<Email> {
        for _ in 0..500 {
            let emails = self.emails_to(address);
            if emails.len() >= n {
                return emails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("{address} did not receive {n} e-mails: {:?}", self.emails_to(address));
    }

    /// The token of the last link starting with `path` e-mailed to `address`.
    pub fn link_token(&self, address: &str, path: &str) -> String {
        let prefix = format!("{APP_URL}{path}");
        self.emails_to(address)
            .iter()
            .rev()
            .find_map(|email| {
                let start = email.text.find(&prefix)? + prefix.len();
                let token: String =
                    email.text[start..].chars().take_while(|c| !c.is_whitespace()).collect();
                Some(token)
            })
            .unwrap_or_else(|| panic!("no {path} link was e-mailed to {address}"))
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// A complete, valid profile.
pub fn profile(name: &str, surname: &str) -> Value {
    json!({
        "name": name, "surname": surname, "phone_number": "0701234567",
        "date_of_birth": "1985-09-22", "gender": "Female", "height": 170, "weight": 60,
        "street": "Storgatan", "house": "12B", "city": "Malmö", "region": "Skåne",
        "country": "Sweden"
    })
}

pub async fn send(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    (status, body)
}

pub async fn user_id_of(db: &MySqlPool, email: &str) -> u64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = ?")
        .bind(email)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Tests that write users directly must say so, as the application does, so list totals move.
pub async fn bump_users(db: &MySqlPool) {
    sqlx::query("UPDATE collection_versions SET version = version + 1 WHERE name = 'users'")
        .execute(db)
        .await
        .unwrap();
}

pub async fn count(db: &MySqlPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// Someone on file, written straight to the database (fast, for lists and filters).
pub struct Person<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub surname: &'a str,
    pub date_of_birth: &'a str,
    pub city: &'a str,
    pub country: &'a str,
    pub gender: &'a str,
}

pub async fn insert_person(db: &MySqlPool, person: Person<'_>) -> u64 {
    let id = sqlx::query(
        "INSERT INTO users (email, is_active, activated_at, created_at, updated_at) \
         VALUES (?, TRUE, NOW(6), NOW(6), NOW(6))",
    )
    .bind(person.email)
    .execute(db)
    .await
    .unwrap()
    .last_insert_id();
    sqlx::query(
        "INSERT INTO profiles (user_id, name, surname, phone_number, date_of_birth, city, country, \
         gender, created_at, updated_at) VALUES (?, ?, ?, '+46701234567', ?, ?, ?, ?, NOW(6), NOW(6))",
    )
    .bind(id)
    .bind(person.name)
    .bind(person.surname)
    .bind(person.date_of_birth)
    .bind(person.city)
    .bind(person.country)
    .bind(person.gender)
    .execute(db)
    .await
    .unwrap();
    bump_users(db).await;
    id
}

/// A doctor on file with `specialty`, active and available for booking (not signed in).
pub async fn insert_doctor(db: &MySqlPool, person: Person<'_>, specialty: &str) -> u64 {
    let id = insert_person(db, person).await;
    sqlx::query(
        "INSERT INTO roles (user_id, role, specialty, created_at, updated_at) \
         VALUES (?, 'doctor', ?, NOW(6), NOW(6))",
    )
    .bind(id)
    .bind(specialty)
    .execute(db)
    .await
    .unwrap();
    bump_users(db).await;
    id
}

/// The ids of a page's objects, in order.
pub fn ids(page: &Value) -> Vec<u64> {
    page["data"].as_array().unwrap().iter().map(|item| item["id"].as_u64().unwrap()).collect()
}

/// The roles row id of a staff member.
pub async fn role_id_of(db: &MySqlPool, user_id: u64) -> u64 {
    sqlx::query_scalar("SELECT id FROM roles WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(db)
        .await
        .unwrap()
}

/// One signed-in user of every kind the permission table tells apart, and a second patient.
pub struct Clinic {
    pub root: Session,
    pub admin: Session,
    pub doctor: Session,
    pub operator: Session,
    pub pharmacist: Session,
    /// Eva Lind, a patient.
    pub eva: Session,
    /// Nils Holm, another patient.
    pub nils: Session,
}

impl Clinic {
    pub async fn open(app: &TestApp) -> Self {
        Self {
            root: app.superuser().await,
            admin: app.staff("admin@clinic.test", Role::Admin).await,
            doctor: app.staff("doc@clinic.test", Role::Doctor).await,
            operator: app.staff("op@clinic.test", Role::Operator).await,
            pharmacist: app.staff("ph@clinic.test", Role::Pharmacist).await,
            eva: app.patient("eva@clinic.test").await,
            nils: app.patient_named("nils@clinic.test", "Nils", "Holm").await,
        }
    }
}
