//! What journal entries, prescriptions and sick-leave certificates share (API.md, "Patient
//! journals", "Prescriptions", "Medical records"): the limits on their text; their lists
//! (filters, order, the caller's scope, embedded patients); reading one; deleting one; and what
//! a new one brings (the totals move, the patient is told, the live subscribers hear of it, as
//! they do of a deletion). Every read by someone other than the patient, and every change, is
//! in the audit trail ([`crate::audit`]). Each kind writes its own SQL in its function crate;
//! the statements run here are handed over from there.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::mysql::MySqlRow;
use sqlx::{FromRow, MySql, MySqlConnection, Transaction};

use crate::access::Action;
use crate::audit::{AuditAction, AuditRecord, Event, Reader};
use crate::auth::{Caller, CallerDb};
use crate::db::is_foreign_key_violation;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::QueryParams;
use crate::lists::keys::{KeyFilter, ProfileField, ProfileText};
use crate::lists::{Direction, KeyColumn, ListQuery, PageSql, Scope, Table};
use crate::mail::{self, Notification};
use crate::page::{Page, PageRequest, bump_version, filters};
use crate::realtime::{self, Change, ChangeKind, Stream};
use crate::state::AppState;
use crate::users::{self, User, UserRow, Viewer};

/// A diagnosis or a recipe: the short line a record is known by (a `VARCHAR(100)` column).
pub const TITLE_MAX_CHARS: usize = 100;

/// Description and planning: free text of about ten printed pages. Generous for clinical notes,
/// yet bounded, so that a record stays well within the request body limit
/// ([`crate::http::MAX_BODY_BYTES`]) even when every character takes four bytes.
pub const TEXT_MAX_CHARS: usize = 20_000;

/// A row of a record table that lists can show: it names its patient, and becomes the API's
/// object once that patient is embedded.
pub trait PatientRecord: for<'r> FromRow<'r, MySqlRow> + Clone + Send + Sync + Unpin {
    type View: Serialize;

    /// The user id of the patient the record is about.
    fn patient_id(&self) -> u64;

    fn view(self, patient: User) -> Self::View;
}

/// One kind of record's table, as its lists and deletions use it. The list statements alias
/// the record table `r`; [`RecordFilter`] says which of its rows a list holds.
pub struct RecordTable {
    /// The collection whose version keys the cached totals.
    pub collection: &'static str,
    /// Where its changes are pushed live.
    pub stream: Stream,
    /// The permission that decides whose records a list shows.
    pub list: Action,
    /// The permission to read one, or its PDF.
    pub read: Action,
    /// What the audit trail calls it.
    pub audit: AuditRecord,
    /// The text filter on the record's title, named as its column (`diagnosis`, `recipe`).
    pub title: &'static str,
    /// The table as lists read it (`patient_cards r`).
    pub table: &'static Table,
    /// The record's patient (`r.user_id`), its index and its counts: a patient's own list.
    pub patient: &'static KeyColumn,
    /// The same, read through the index on (patient, title), for the patient name filters: a
    /// title filter beside one is then checked on the index alone.
    pub patients_with_title: &'static KeyColumn,
    /// The record's title (`r.diagnosis`), its index and its counts (`list_title_counts`).
    pub title_key: &'static KeyColumn,
    /// `<the row's columns>, <collection_version!>` (nothing is joined: the patients are read
    /// apart, all of a page's in one statement).
    pub page: PageSql,
    /// How one is deleted; `None` for records the clinic never deletes (certificates).
    pub deletion: Option<Deletion>,
}

/// Deleting one record of a kind.
pub struct Deletion {
    /// The permission to delete one.
    pub action: Action,
    /// `SELECT <the row's columns> FROM <table> WHERE id = ? FOR UPDATE`: one record, locked.
    pub lock: &'static str,
    /// `DELETE FROM <table> WHERE id = ?`.
    pub remove: &'static str,
}

impl RecordTable {
    /// One page of the records `caller` may see, filtered and ordered as `query` asks, with
    /// their patients embedded: the page's ids and rows, then its patients (and the counts only
    /// when the collection changed; see [`crate::lists`]). The page is recorded in the audit
    /// trail as read by `reader`, with its patients.
    pub async fn page<R: PatientRecord>(
        &self,
        state: &AppState,
        CallerDb { caller, mut db }: CallerDb,
        reader: &Reader,
        query: &QueryParams,
    ) -> ApiResult<Page<R::View>> {
        let patient = caller.list_scope(self.list)?;
        let mut errors = FieldErrors::new();
        let request = PageRequest::from_query(query, &mut errors);
        let filter = RecordFilter::from_query(query, self.title, patient, &mut errors);
        errors.into_result()?;
        let (rows, total): (Vec<R>, u64) =
            filter.list_query(self).read(&mut db, &state.counts, request, &self.page).await?;
        let ids: Vec<u64> = rows.iter().map(PatientRecord::patient_id).collect();
        reader.record(&mut *db, Event::list(self.audit, &ids)).await?;
        let patients = patient_views(&mut db, state, &caller, &ids).await?;
        let data = rows
            .into_iter()
            .filter_map(|row| {
                let patient = patients.get(&row.patient_id())?.clone();
                Some(row.view(patient))
            })
            .collect();
        Ok(Page::new(request, total, data))
    }

    /// The patient of record `id` (theirs: `patient_id`), when `caller` may read it: 404 for
    /// another patient's record, 403 for a role that reads none. The read (`action`: the
    /// object or its PDF) is recorded in the audit trail.
    pub async fn reading(
        &self,
        state: &AppState,
        caller: &Caller,
        reader: &Reader,
        action: AuditAction,
        id: u64,
        patient_id: u64,
    ) -> ApiResult<UserRow> {
        caller.authorize(self.read, Some(patient_id))?;
        let patient = users::find(&state.db, patient_id).await?.ok_or(ApiError::NotFound)?;
        reader.record(&state.db, Event::one(action, self.audit, id, patient_id)).await?;
        Ok(patient)
    }

    /// Deletes record `id` if `caller` may: 403 for a role that deletes no records, whatever
    /// the id; otherwise 404 for an unknown id. The row is locked from the check to the delete.
    pub async fn delete<R: PatientRecord>(
        &self,
        state: &AppState,
        caller: &Caller,
        reader: &Reader,
        id: u64,
    ) -> ApiResult<()> {
        let deletion = self.deletion.as_ref().ok_or(ApiError::Forbidden)?;
        caller.authorize_any(deletion.action)?;
        let mut tx = state.db.begin().await?;
        let record: R = sqlx::query_as(deletion.lock)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(ApiError::NotFound)?;
        let patient_id = record.patient_id();
        caller.authorize(deletion.action, Some(patient_id))?;
        // The record's patient as they were, for the subscribers told of its deletion.
        let patient = users::find(&mut *tx, patient_id).await?;
        sqlx::query(deletion.remove).bind(id).execute(&mut *tx).await?;
        let event = Event::one(AuditAction::Delete, self.audit, id, patient_id);
        reader.record(&mut *tx, event).await?;
        bump_version(&mut tx, self.collection).await?;
        tx.commit().await?;
        tracing::info!(
            collection = self.collection,
            record_id = id,
            patient_id,
            by = caller.user_id,
            "record deleted"
        );
        if let Some(patient) = patient {
            publish(state, self.stream, ChangeKind::Delete, &record, &patient).await;
        }
        Ok(())
    }
}

/// Tells the live subscribers who may read the record: the clinic as the permission table
/// says, and its patient.
async fn publish<R: PatientRecord>(
    state: &AppState,
    stream: Stream,
    kind: ChangeKind,
    record: &R,
    patient: &UserRow,
) {
    let change = Change { stream, kind, owner: Some(patient.id), people: vec![patient.id] };
    let today = state.today();
    let render = |viewer| record.clone().view(patient.clone().view(viewer, today));
    realtime::publish(state, change, render).await;
}

/// The users `ids` name, in one statement, as `caller` may see them.
async fn patient_views(
    db: &mut MySqlConnection,
    state: &AppState,
    caller: &Caller,
    ids: &[u64],
) -> Result<HashMap<u64, User>, sqlx::Error> {
    let (viewer, today) = (Viewer::from(caller), state.today());
    let rows = users::find_many(db, ids).await?;
    Ok(rows.into_iter().map(|(id, row)| (id, row.view(viewer, today))).collect())
}

/// The patient of one record, as `caller` may see them.
pub fn patient_view(state: &AppState, caller: &Caller, patient: UserRow) -> User {
    patient.view(Viewer::from(caller), state.today())
}

/// A record just inserted, in the transaction that inserted it.
pub struct NewRecord<'t, R> {
    pub tx: Transaction<'t, MySql>,
    pub table: &'t RecordTable,
    pub record: R,
    pub patient: UserRow,
    /// The patient's e-mail, given their name: it says that something new is there, never what.
    pub notice: fn(String) -> Notification,
}

impl<R: PatientRecord> NewRecord<'_, R> {
    /// Ends the transaction: the record's creation is in the audit trail, the collection's
    /// totals move, the patient is told by an e-mail that leaves once the record is committed,
    /// and the live subscribers hear of it. Answers the record as `caller` sees it.
    pub async fn commit(
        self,
        state: &AppState,
        caller: &Caller,
        reader: &Reader,
        id: u64,
    ) -> ApiResult<R::View> {
        let Self { mut tx, table, record, patient, notice } = self;
        let collection = table.collection;
        let event = Event::one(AuditAction::Create, table.audit, id, patient.id);
        reader.record(&mut *tx, event).await?;
        bump_version(&mut tx, collection).await?;
        let queued =
            mail::queue(&mut tx, state, &patient.email, notice(patient.name.clone())).await?;
        tx.commit().await?;
        tracing::info!(
            collection,
            record_id = id,
            patient_id = patient.id,
            by = caller.user_id,
            "record added"
        );
        mail::deliver(state, [queued]).await;
        publish(state, table.stream, ChangeKind::Create, &record, &patient).await;
        Ok(record.view(patient.view(Viewer::from(caller), state.today())))
    }
}

/// What a failed insert of a record means: its patient's account was deleted after the check
/// that it is a patient, which is the same 400 as naming no patient at all.
pub fn insert_error(error: sqlx::Error) -> ApiError {
    if is_foreign_key_violation(&error) {
        ApiError::field("user_id", users::NO_SUCH_PATIENT)
    } else {
        error.into()
    }
}

/// The filters journal and prescription lists share, besides the one on their title
/// (`diagnosis`, `recipe`), which each function documents itself.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `RecordFilter`
pub struct RecordListQuery {
    /// Only the records of patients whose name contains this, ignoring case and accents.
    #[param(nullable = false)]
    patient_name: Option<String>,
    /// Only the records of patients whose surname contains this, ignoring case and accents.
    #[param(nullable = false)]
    patient_surname: Option<String>,
    /// `id` oldest first (the default), `-id` newest first.
    #[param(inline, nullable = false)]
    order: Option<crate::openapi::IdOrder>,
}

/// The filters of a record list, and whose records it may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFilter {
    conditions: Conditions,
    newest_first: bool,
}

/// What decides which rows a list holds (and so its total); the order does not.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Conditions {
    /// Only this patient's records (a patient's own list).
    patient: Option<u64>,
    /// The title filter's column (`diagnosis`, `recipe`), which names the kind of record.
    title_column: &'static str,
    title: Option<String>,
    patient_name: Option<String>,
    patient_surname: Option<String>,
}

impl RecordFilter {
    /// `title` names both the filter parameter and the column it searches.
    pub fn from_query(
        query: &QueryParams,
        title: &'static str,
        patient: Option<u64>,
        errors: &mut FieldErrors,
    ) -> Self {
        Self {
            conditions: Conditions {
                patient,
                title_column: title,
                title: filters::text(query, title),
                patient_name: filters::text(query, "patient_name"),
                patient_surname: filters::text(query, "patient_surname"),
            },
            newest_first: filters::newest_first(query, errors),
        }
    }

    /// Identifies the rows for cached totals: the same filters and scope, whatever the order.
    pub fn cache_key(&self) -> String {
        format!("{:?}", self.conditions)
    }

    /// The list of `table`'s records these filters ask for.
    fn list_query(&self, table: &RecordTable) -> ListQuery {
        let conditions = &self.conditions;
        let mut filters = Vec::new();
        if let Some(text) = &conditions.title {
            let list = table.table.all.0;
            filters.push((KeyFilter::Title { list, text: text.clone() }, table.title_key));
        }
        let patient = ProfileText::new([
            (ProfileField::Name, conditions.patient_name.clone()),
            (ProfileField::Surname, conditions.patient_surname.clone()),
        ]);
        if !patient.is_empty() {
            filters.push((KeyFilter::Profiles(patient), table.patients_with_title));
        }
        ListQuery {
            table: table.table,
            slice: None,
            scope: conditions.patient.map(|id| Scope { key: table.patient, id }),
            filters,
            direction: Direction::newest_first(self.newest_first),
            cache_key: self.cache_key(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(query: &str, patient: Option<u64>) -> Result<RecordFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let filter =
            RecordFilter::from_query(&QueryParams::parse(query), "diagnosis", patient, &mut errors);
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }

    static CARDS: Table = Table {
        from: "patient_cards r",
        id: "r.id",
        all: crate::lists::CountedList("patient_cards"),
        collections: &["patient_card", "users"],
    };
    static PATIENT: KeyColumn = KeyColumn {
        column: "r.user_id",
        index: "patient_cards_user",
        counts: Some("patient_cards:patient"),
        slice_counts: &[],
    };
    static TITLE: KeyColumn = KeyColumn {
        column: "r.diagnosis",
        index: "patient_cards_diagnosis",
        counts: Some("patient_cards"),
        slice_counts: &[],
    };

    fn cards() -> RecordTable {
        RecordTable {
            collection: "patient_card",
            stream: Stream::PatientCard,
            list: Action::ListJournalEntries,
            read: Action::ReadJournalEntry,
            audit: AuditRecord::JournalEntry,
            title: "diagnosis",
            table: &CARDS,
            patient: &PATIENT,
            patients_with_title: &PATIENT,
            title_key: &TITLE,
            page: PageSql { columns: "", joins: "" },
            deletion: None,
        }
    }

    #[test]
    fn filters_become_a_scope_and_key_filters() {
        let f = filter("diagnosis=a'b&patient_name=c&patient_surname=d", Some(7)).unwrap();
        let table = cards();
        let query = f.list_query(&table);
        assert_eq!(query.scope.map(|scope| scope.id), Some(7));
        assert_eq!(query.filters.len(), 2);
        assert!(matches!(
            &query.filters[0].0,
            KeyFilter::Title { list: "patient_cards", text } if text == "a'b"
        ));
        assert!(matches!(&query.filters[1].0, KeyFilter::Profiles(_)));
        assert!(filter("", None).unwrap().list_query(&table).filters.is_empty());
    }

    #[test]
    fn order_is_id_either_way_and_nothing_else() {
        assert!(!filter("", None).unwrap().newest_first);
        assert!(!filter("order=id", None).unwrap().newest_first);
        assert!(filter("order=-id", None).unwrap().newest_first);
        for bad in ["order=name", "order=-created_at", "order=ID"] {
            assert!(filter(bad, None).unwrap_err().get("order").is_some(), "{bad}");
        }
    }

    #[test]
    fn totals_are_shared_by_both_orders_but_not_by_other_scopes() {
        let ascending = filter("diagnosis=flu&order=id", None).unwrap();
        let descending = filter("diagnosis=flu&order=-id", None).unwrap();
        assert_eq!(ascending.cache_key(), descending.cache_key());
        let own = filter("diagnosis=flu", Some(7)).unwrap();
        assert_ne!(ascending.cache_key(), own.cache_key());
    }
}
