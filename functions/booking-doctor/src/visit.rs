//! The visit read model: one row joins the visit with its patient (user, profile, role) and its
//! doctor's roles row and profile, so a page of visits, patients and doctors is one statement.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::MySqlExecutor;
use utoipa::ToSchema;

use qhealth::users::{User, UserRow, Viewer};

/// The columns of [`VisitRow`] (the visit's own are prefixed `visit_` where the patient's
/// [`qhealth::user_columns!`] have one of the same name: `id`, `is_active`, the timestamps); a literal, so that statements
/// can be composed with `concat!`.
macro_rules! visit_columns {
    () => {
        concat!(
            "v.id AS visit_id, v.doctor_id, v.status, v.is_active AS visit_is_active, v.date_time, \
             v.duration_minutes, \
             v.created_at AS visit_created_at, v.updated_at AS visit_updated_at, \
             dr.specialty AS doctor_specialty, dp.name AS doctor_name, \
             dp.surname AS doctor_surname, ",
            qhealth::user_columns!()
        )
    };
}

/// What [`visit_columns!`] joins to the visit `v`: its patient `u`, `p`, `r` (as
/// [`qhealth::user_tables!`] names them); its doctor's profile `dp` and roles row `dr` (left
/// joined: the visit stays readable even if the doctor's role were ever removed).
macro_rules! visit_joins {
    () => {
        "JOIN users u ON u.id = v.user_id \
         JOIN profiles p ON p.user_id = v.user_id LEFT JOIN roles r ON r.user_id = v.user_id \
         JOIN profiles dp ON dp.user_id = v.doctor_id \
         LEFT JOIN roles dr ON dr.user_id = v.doctor_id"
    };
}

/// The tables behind [`visit_columns!`], from the visit `v` (see [`visit_joins!`]).
macro_rules! visit_tables {
    () => {
        concat!("FROM doctor_visits v ", visit_joins!())
    };
}

pub(crate) use {visit_columns, visit_joins};

/// The stored statuses; `is_active` follows `status` in the schema.
pub const BOOKED: &str = "booked";
pub const CANCELLED: &str = "cancelled";

/// A visit's status.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // documentation only: the status is read and answered as the stored text
pub enum VisitStatus {
    /// The visit is booked (`is_active` is `true`).
    Booked,
    /// The visit was cancelled (`is_active` is `false`).
    Cancelled,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VisitRow {
    #[sqlx(rename = "visit_id")]
    pub id: u64,
    /// The doctor's user id.
    pub doctor_id: u64,
    pub status: String,
    #[sqlx(rename = "visit_is_active")]
    pub is_active: bool,
    pub date_time: DateTime<Utc>,
    pub duration_minutes: u16,
    #[sqlx(rename = "visit_created_at")]
    pub created_at: DateTime<Utc>,
    #[sqlx(rename = "visit_updated_at")]
    pub updated_at: DateTime<Utc>,
    pub doctor_specialty: Option<String>,
    pub doctor_name: String,
    pub doctor_surname: String,
    #[sqlx(flatten)]
    pub patient: UserRow,
}

/// A patient's visit to a doctor.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DoctorVisit, example = json!({
    "id": 21,
    "user": qhealth::users::example_patient(),
    "doctor": {"id": 5, "specialty": "Cardiology", "name": "Karin", "surname": "Berg"},
    "status": "booked",
    "is_active": true,
    "date_time": "2027-03-01T08:00:00Z",
    "duration_minutes": 30,
    "created_at": "2026-11-20T09:15:00Z",
    "updated_at": "2026-11-20T09:15:00Z"
}))]
pub struct Visit {
    pub id: u64,
    /// The patient.
    pub user: User,
    /// The doctor.
    pub doctor: Doctor,
    #[schema(value_type = VisitStatus)]
    pub status: String,
    /// `true` while the visit is booked, `false` once it is cancelled.
    pub is_active: bool,
    /// When the visit takes place, in UTC.
    pub date_time: DateTime<Utc>,
    /// How long it lasts: it occupies `[date_time, date_time + duration_minutes)`.
    pub duration_minutes: u16,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The doctor of a visit, by public details only.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = VisitDoctor, example = json!(
    {"id": 5, "specialty": "Cardiology", "name": "Karin", "surname": "Berg"}))]
pub struct Doctor {
    /// The doctor's user id (as `doctor_id` when booking), not their staff role's id.
    pub id: u64,
    /// The doctor's specialty.
    #[schema(required = true)]
    pub specialty: Option<String>,
    pub name: String,
    pub surname: String,
}

impl VisitRow {
    /// "Karin Berg", as the e-mails name the doctor.
    pub fn doctor_full_name(&self) -> String {
        format!("{} {}", self.doctor_name, self.doctor_surname)
    }

    pub fn is_cancelled(&self) -> bool {
        self.status == CANCELLED
    }

    /// The patient's user id.
    pub fn patient_id(&self) -> u64 {
        self.patient.id
    }

    /// The visit with its patient, as `viewer` may see them.
    pub fn view(self, viewer: Viewer, today: NaiveDate) -> Visit {
        Visit {
            id: self.id,
            user: self.patient.view(viewer, today),
            doctor: Doctor {
                id: self.doctor_id,
                specialty: self.doctor_specialty,
                name: self.doctor_name,
                surname: self.doctor_surname,
            },
            status: self.status,
            is_active: self.is_active,
            date_time: self.date_time,
            duration_minutes: self.duration_minutes,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// One visit, if it exists.
pub async fn find(
    executor: impl MySqlExecutor<'_>,
    id: u64,
) -> Result<Option<VisitRow>, sqlx::Error> {
    sqlx::query_as(concat!("SELECT ", visit_columns!(), " ", visit_tables!(), " WHERE v.id = ?"))
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// One visit, its row locked until the transaction ends: read this before changing a visit.
/// Only the visit is locked (`FOR UPDATE` would also lock the doctor's rows, which bookings lock
/// first: taking them here in the other order could deadlock), so the lock is its own statement.
pub async fn find_for_update(
    conn: &mut sqlx::MySqlConnection,
    id: u64,
) -> Result<Option<VisitRow>, sqlx::Error> {
    let exists = sqlx::query_scalar!("SELECT id FROM doctor_visits WHERE id = ? FOR UPDATE", id)
        .fetch_optional(&mut *conn)
        .await?;
    match exists {
        Some(_) => find(conn, id).await,
        None => Ok(None),
    }
}
