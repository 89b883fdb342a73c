//! `GET /audit`: the audit trail as staff read it, and a patient's "who has read my record".
//!
//! A page is bounded by the page, as every list is: events are read in id order from the
//! primary key, from the index of a reader `(actor_id, id)`, of an action `(action, id)` or of
//! a kind of record `(record, id)`, or from a patient's range of `audit_event_patients`
//! `(patient_id, event_id)`. A period of dates becomes a range of ids:
//! an event's time and id are both given at its insert, so they rise together (to within the
//! milliseconds of requests running side by side), and the period's first and last ids are one
//! index lookup each. Totals come from the counts the triggers keep, or are counted on the
//! range the page reads (a patient's events on their range of `audit_event_patients` alone).

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use qhealth::AppState;
use qhealth::access::{Action, Role};
use qhealth::audit::{AuditAction, AuditRecord};
use qhealth::auth::CallerDb;
use qhealth::clock::clinic_day_start;
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::QueryParams;
use qhealth::lists::{CountedList, Direction, Start};
use qhealth::openapi::{Forbidden, PageQuery};
use qhealth::page::{Page, PageRequest, filters};
use serde::Serialize;
use sqlx::{MySql, MySqlConnection, QueryBuilder};
use utoipa::{IntoParams, ToSchema};

/// An event as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct EventRow {
    pub id: u64,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: u64,
    pub actor_role: String,
    pub actor_name: String,
    pub actor_surname: String,
    pub action: String,
    pub record: String,
    pub record_id: Option<u64>,
    /// A JSON array of ids.
    pub patient_ids: String,
    pub ip_address: String,
}

/// The columns of [`EventRow`], from the events `e`; a literal, for `concat!`.
macro_rules! event_columns {
    () => {
        "e.id, e.occurred_at, e.actor_id, e.actor_role, e.actor_name, e.actor_surname, e.action, \
         e.record, e.record_id, e.patient_ids, e.ip_address"
    };
}
pub(crate) use event_columns;

/// One request that read or changed a patient's record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditEvent, example = json!({
    "id": 311, "at": "2026-12-06T09:12:44.120000Z", "action": "read", "record": "journal_entry",
    "record_id": 12, "actor": {"id": 5, "name": "Karin", "surname": "Berg", "role": "doctor"},
    "patient_ids": [7], "ip_address": "10.0.4.17"
}))]
pub(crate) struct Event {
    pub id: u64,
    /// When it happened, in UTC.
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    pub record: AuditRecord,
    /// The one object read or changed; `null` for a list page and an export.
    #[schema(required = true)]
    pub record_id: Option<u64>,
    /// Who did it, as they were then.
    pub actor: Actor,
    /// The patients whose records or profiles it showed; a patient sees only their own id.
    pub patient_ids: Vec<u64>,
    /// Where the request came from; `null` for a patient reading their own events.
    #[schema(required = true)]
    pub ip_address: Option<String>,
}

/// The reader of an event, as they were then.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditActor)]
pub(crate) struct Actor {
    pub id: u64,
    pub name: String,
    pub surname: String,
    /// `superuser`, `admin`, `doctor`, `operator`, `pharmacist` or `patient`.
    pub role: String,
}

impl EventRow {
    /// The event as shown to a patient (`Some(their id)`) or to staff (`None`).
    pub fn view(self, patient: Option<u64>) -> Event {
        let shown: Vec<u64> = serde_json::from_str(&self.patient_ids).unwrap_or_default();
        let (patient_ids, ip_address) = match patient {
            Some(own) => (shown.into_iter().filter(|id| *id == own).collect(), None),
            None => (shown, Some(self.ip_address)),
        };
        Event {
            id: self.id,
            at: self.occurred_at,
            action: parse_name(&AuditAction::ALL, AuditAction::as_str, &self.action)
                .unwrap_or(AuditAction::Read),
            record: parse_name(&AuditRecord::ALL, AuditRecord::as_str, &self.record)
                .unwrap_or(AuditRecord::Patient),
            record_id: self.record_id,
            actor: Actor {
                id: self.actor_id,
                name: self.actor_name,
                surname: self.actor_surname,
                role: self.actor_role,
            },
            patient_ids,
            ip_address,
        }
    }
}

/// The value of `all` that `name` names.
fn parse_name<T: Copy>(all: &[T], name_of: fn(T) -> &'static str, name: &str) -> Option<T> {
    all.iter().copied().find(|value| name_of(*value) == name)
}

/// The audit list's filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `AuditFilter`
struct AuditQuery {
    /// Only the events that showed this patient's records or profile (their user id).
    #[param(nullable = false, minimum = 1)]
    patient_id: Option<u64>,
    /// Only the events of this reader (their user id).
    #[param(nullable = false, minimum = 1)]
    actor_id: Option<u64>,
    /// Only this action: `list`, `read`, `pdf`, `create`, `delete`, `export`.
    #[param(inline, nullable = false)]
    action: Option<AuditAction>,
    /// Only this kind of record: `journal_entry`, `prescription`, `sick_leave`, `patient`,
    /// `doctor_visit`, `diagnostic_booking`, `export`.
    #[param(inline, nullable = false)]
    record: Option<AuditRecord>,
    /// Only events on or after this clinic date (YYYY-MM-DD).
    #[param(nullable = false)]
    date_from: Option<NaiveDate>,
    /// Only events on or before this clinic date (YYYY-MM-DD).
    #[param(nullable = false)]
    date_to: Option<NaiveDate>,
    /// `id` oldest first (the default), `-id` newest first.
    #[param(inline, nullable = false)]
    order: Option<qhealth::openapi::IdOrder>,
}

/// Which events a list holds, and in which direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuditFilter {
    pub patient: Option<u64>,
    pub actor: Option<u64>,
    pub action: Option<AuditAction>,
    pub record: Option<AuditRecord>,
    /// The period as instants: `[from, until)`.
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub direction: Direction,
}

impl AuditFilter {
    pub fn from_query(query: &QueryParams, state: &AppState, errors: &mut FieldErrors) -> Self {
        let tz = state.config.clinic_tz;
        let (date_from, date_to) = filters::date_range(query, errors);
        let actions = AuditAction::ALL.map(AuditAction::as_str);
        let records = AuditRecord::ALL.map(AuditRecord::as_str);
        let action = filters::one_of(query, "action", &actions, errors)
            .and_then(|name| parse_name(&AuditAction::ALL, AuditAction::as_str, name));
        let record = filters::one_of(query, "record", &records, errors)
            .and_then(|name| parse_name(&AuditRecord::ALL, AuditRecord::as_str, name));
        Self {
            patient: filters::id(query, "patient_id", errors),
            actor: filters::id(query, "actor_id", errors),
            action,
            record,
            from: date_from.map(|date| clinic_day_start(date, tz).and_utc()),
            until: date_to
                .and_then(|date| date.succ_opt())
                .map(|next| clinic_day_start(next, tz).and_utc()),
            direction: Direction::newest_first(filters::newest_first(query, errors)),
        }
    }

    /// The total found without reading the events, when one filter at most is given (a
    /// period is counted on its range).
    fn kept_count(&self) -> Option<KeptCount> {
        let period = self.from.is_some() || self.until.is_some();
        match (self.patient, self.actor, self.action, self.record, period) {
            (None, None, None, None, false) => Some(KeptCount::Blocks(CountedList("audit_events"))),
            (Some(patient), None, None, None, false) => Some(KeptCount::Patient(patient)),
            (None, Some(actor), None, None, false) => Some(KeptCount::Actor(actor)),
            (None, None, Some(action), None, false) => Some(KeptCount::Blocks(action_list(action))),
            (None, None, None, Some(record), false) => Some(KeptCount::Blocks(record_list(record))),
            _ => None,
        }
    }
}

/// A total found without reading the events (migration `20261206000001_record_duties`): a
/// list the triggers count in blocks of ids, whose deep pages start in the block their offset
/// falls in; a reader's events, which they count too; a patient's, counted on their range of
/// `audit_event_patients`.
#[derive(Debug)]
enum KeptCount {
    Blocks(CountedList),
    Actor(u64),
    Patient(u64),
}

/// The events of one action, as `list_blocks` names them.
fn action_list(action: AuditAction) -> CountedList {
    CountedList(match action {
        AuditAction::List => "audit_events:action:list",
        AuditAction::Read => "audit_events:action:read",
        AuditAction::Pdf => "audit_events:action:pdf",
        AuditAction::Create => "audit_events:action:create",
        AuditAction::Delete => "audit_events:action:delete",
        AuditAction::Export => "audit_events:action:export",
    })
}

/// The events of one kind of record, as `list_blocks` names them.
fn record_list(record: AuditRecord) -> CountedList {
    CountedList(match record {
        AuditRecord::JournalEntry => "audit_events:record:journal_entry",
        AuditRecord::Prescription => "audit_events:record:prescription",
        AuditRecord::SickLeave => "audit_events:record:sick_leave",
        AuditRecord::Patient => "audit_events:record:patient",
        AuditRecord::DoctorVisit => "audit_events:record:doctor_visit",
        AuditRecord::DiagnosticBooking => "audit_events:record:diagnostic_booking",
        AuditRecord::Export => "audit_events:record:export",
    })
}

/// The events' ids a period covers, as found on the time index.
#[derive(Debug, Clone, Copy, Default)]
struct IdRange {
    first: Option<u64>,
    last: Option<u64>,
}

/// Lists audit events.
///
/// Staff see every event; a patient sees the events about them — who read, listed, printed or
/// exported their records — with only their own id in `patient_ids` and no addresses. No
/// operation changes or deletes an event.
///
/// **Who:** staff; a patient only the events about them.
#[utoipa::path(get, path = "/audit", tag = "audit", params(PageQuery, AuditQuery),
    security(("bearer" = [])), responses(
        (status = 200, body = Page<Event>),
        (status = 403, response = Forbidden)))]
pub(crate) async fn list_events(
    State(state): State<AppState>,
    CallerDb { caller, mut db }: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<Event>>> {
    let scope = caller.list_scope(Action::ListAuditEvents)?;
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(&query, &mut errors);
    let mut filter = AuditFilter::from_query(&query, &state, &mut errors);
    errors.into_result()?;
    if let Some(own) = scope {
        // A patient's list is their own, whatever else the query names.
        if filter.patient.is_some_and(|asked| asked != own) {
            if request.page > 1 {
                return Err(ApiError::InvalidPage);
            }
            return Ok(Json(Page::new(request, 0, Vec::new())));
        }
        filter.patient = Some(own);
    }
    let (rows, total) = read_page(&mut db, &filter, request).await?;
    let viewer = if caller.role == Role::Patient { scope } else { None };
    let data = rows.into_iter().map(|row| row.view(viewer)).collect();
    Ok(Json(Page::new(request, total, data)))
}

/// A page of the events `filter` asks for, and their total.
pub(crate) async fn read_page(
    db: &mut MySqlConnection,
    filter: &AuditFilter,
    request: PageRequest,
) -> ApiResult<(Vec<EventRow>, u64)> {
    let ids = period_ids(db, filter).await?;
    let total = match filter.kept_count() {
        Some(kept) => kept_total(db, kept).await?,
        None => count(db, filter, ids).await?,
    };
    if request.offset() >= total {
        // The first page of an empty list is empty; any page past the last is not there.
        return if request.page == 1 { Ok((Vec::new(), 0)) } else { Err(ApiError::InvalidPage) };
    }
    let start = match filter.kept_count() {
        Some(KeptCount::Blocks(list)) => {
            list.start_of(db, filter.direction, request.offset()).await?
        }
        _ => None,
    }
    .unwrap_or(Start { block: None, skip: request.offset() });
    let mut query = QueryBuilder::new("SELECT ");
    query.push(event_columns!());
    push_from_where(&mut query, filter, ids);
    start.push_id_bound(&mut query, "e.id", filter.direction);
    query.push(" ORDER BY e.id ").push(filter.direction.sql());
    query.push(" LIMIT ").push_bind(request.limit());
    query.push(" OFFSET ").push_bind(start.skip);
    let rows = query.build_query_as::<EventRow>().fetch_all(&mut *db).await?;
    Ok((rows, total))
}

/// The first and last ids of the period (none asked: no bounds).
async fn period_ids(
    db: &mut MySqlConnection,
    filter: &AuditFilter,
) -> Result<IdRange, sqlx::Error> {
    let first = match filter.from {
        Some(from) => sqlx::query_scalar!(
            "SELECT id FROM audit_events WHERE occurred_at >= ? ORDER BY occurred_at, id LIMIT 1",
            from
        )
        .fetch_optional(&mut *db)
        .await?
        .or(Some(u64::MAX)),
        None => None,
    };
    let last = match filter.until {
        Some(until) => sqlx::query_scalar!(
            "SELECT id FROM audit_events WHERE occurred_at < ?
             ORDER BY occurred_at DESC, id DESC LIMIT 1",
            until
        )
        .fetch_optional(&mut *db)
        .await?
        .or(Some(0)),
        None => None,
    };
    Ok(IdRange { first, last })
}

/// `FROM ... WHERE ...` of the events `filter` asks for: a patient's through their range of
/// `audit_event_patients`, anyone else's from the events themselves.
fn push_from_where(query: &mut QueryBuilder<MySql>, filter: &AuditFilter, ids: IdRange) {
    match filter.patient {
        Some(patient) => {
            query.push(" FROM audit_event_patients ap JOIN audit_events e ON e.id = ap.event_id");
            query.push(" WHERE ap.patient_id = ").push_bind(patient);
        }
        None => {
            // An index that gives the events in id order: a reader's first (they are the
            // fewest), then an action's, then a kind of record's.
            let index = if filter.actor.is_some() {
                "audit_events_actor"
            } else if filter.action.is_some() {
                "audit_events_action"
            } else if filter.record.is_some() {
                "audit_events_record"
            } else {
                "PRIMARY"
            };
            query.push(" FROM audit_events e FORCE INDEX (").push(index).push(") WHERE TRUE");
        }
    }
    if let Some(actor) = filter.actor {
        query.push(" AND e.actor_id = ").push_bind(actor);
    }
    if let Some(action) = filter.action {
        query.push(" AND e.action = ").push_bind(action.as_str());
    }
    if let Some(record) = filter.record {
        query.push(" AND e.record = ").push_bind(record.as_str());
    }
    // The id range bounds the walk; the times keep the edges exact.
    let id_column = if filter.patient.is_some() { "ap.event_id" } else { "e.id" };
    if let Some(first) = ids.first {
        query.push(" AND ").push(id_column).push(" >= ").push_bind(first);
    }
    if let Some(last) = ids.last {
        query.push(" AND ").push(id_column).push(" <= ").push_bind(last);
    }
    if let Some(from) = filter.from {
        query.push(" AND e.occurred_at >= ").push_bind(from);
    }
    if let Some(until) = filter.until {
        query.push(" AND e.occurred_at < ").push_bind(until);
    }
}

async fn kept_total(db: &mut MySqlConnection, kept: KeptCount) -> Result<u64, sqlx::Error> {
    match kept {
        KeptCount::Blocks(list) => list.total(db).await,
        KeptCount::Actor(actor) => {
            sqlx::query_scalar!(
                r#"SELECT CAST(COALESCE(SUM(row_count), 0) AS UNSIGNED) AS "total!: u64"
                   FROM list_key_counts WHERE list = 'audit_events:actor' AND key_id = ?"#,
                actor
            )
            .fetch_one(db)
            .await
        }
        KeptCount::Patient(patient) => {
            sqlx::query_scalar!(
                r#"SELECT CAST(COUNT(*) AS UNSIGNED) AS "total!: u64"
                   FROM audit_event_patients WHERE patient_id = ?"#,
                patient
            )
            .fetch_one(db)
            .await
        }
    }
}

/// Counts on the range the page reads: a patient's or a reader's events, or a period's.
async fn count(
    db: &mut MySqlConnection,
    filter: &AuditFilter,
    ids: IdRange,
) -> Result<u64, sqlx::Error> {
    let mut query = QueryBuilder::new("SELECT COUNT(*)");
    push_from_where(&mut query, filter, ids);
    qhealth::page::sql::count(&mut query, db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(patient_ids: &str) -> EventRow {
        EventRow {
            id: 1,
            occurred_at: DateTime::UNIX_EPOCH,
            actor_id: 5,
            actor_role: "doctor".into(),
            actor_name: "Karin".into(),
            actor_surname: "Berg".into(),
            action: "list".into(),
            record: "journal_entry".into(),
            record_id: None,
            patient_ids: patient_ids.into(),
            ip_address: "10.0.0.1".into(),
        }
    }

    #[test]
    fn a_patient_sees_only_themself_and_no_address() {
        let event = row("[3, 7, 9]").view(Some(7));
        assert_eq!(event.patient_ids, [7]);
        assert_eq!(event.ip_address, None);
        let event = row("[3, 7, 9]").view(None);
        assert_eq!(event.patient_ids, [3, 7, 9]);
        assert_eq!(event.ip_address.as_deref(), Some("10.0.0.1"));
        assert_eq!(event.action, AuditAction::List);
        assert_eq!(event.record, AuditRecord::JournalEntry);
    }

    #[test]
    fn the_counted_lists_are_named_as_the_triggers_name_them() {
        for action in AuditAction::ALL {
            assert_eq!(action_list(action).0, format!("audit_events:action:{}", action.as_str()));
        }
        for record in AuditRecord::ALL {
            assert_eq!(record_list(record).0, format!("audit_events:record:{}", record.as_str()));
            assert!(record_list(record).0.len() <= 40, "list_blocks.list is VARCHAR(40)");
        }
    }

    #[test]
    fn the_kept_totals_answer_only_single_key_filters() {
        let none = AuditFilter {
            patient: None,
            actor: None,
            action: None,
            record: None,
            from: None,
            until: None,
            direction: Direction::Ascending,
        };
        assert!(matches!(none.kept_count(), Some(KeptCount::Blocks(CountedList("audit_events")))));
        let exports = AuditFilter { action: Some(AuditAction::Export), ..none.clone() };
        assert!(matches!(
            exports.kept_count(),
            Some(KeptCount::Blocks(CountedList("audit_events:action:export")))
        ));
        let patient = AuditFilter { patient: Some(7), ..none.clone() };
        assert!(matches!(patient.kept_count(), Some(KeptCount::Patient(7))));
        let both = AuditFilter { actor: Some(5), ..patient.clone() };
        assert!(both.kept_count().is_none());
        let read = AuditFilter { action: Some(AuditAction::Read), ..patient };
        assert!(read.kept_count().is_none());
    }
}
