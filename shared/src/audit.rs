//! The audit trail (API.md, "Medical records"): who read or changed which patient's record,
//! when and from where — one event per request, append-only.
//!
//! An event is one `INSERT`: the reader's name comes from their profile in the same statement,
//! and a trigger files the event under each patient it showed (`audit_event_patients`,
//! migration `20261206000001_record_duties`), so that a read costs one round trip more and an
//! event is never half-written. A write's event goes in the write's own transaction. A reader's
//! reads fail when their event cannot be written: the trail has no gaps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::Role;
use crate::auth::Caller;
use crate::http::ClientIp;
use crate::state::AppState;

/// What the request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Read a list page.
    List,
    /// Read one object.
    Read,
    /// Downloaded one object's PDF.
    Pdf,
    Create,
    Delete,
    /// Exported everything held on a patient.
    Export,
}

/// What kind of record it did it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditRecord {
    JournalEntry,
    Prescription,
    SickLeave,
    /// A patient's profile.
    Patient,
    DoctorVisit,
    DiagnosticBooking,
    /// Everything held on one patient.
    Export,
}

impl AuditAction {
    pub const ALL: [Self; 6] =
        [Self::List, Self::Read, Self::Pdf, Self::Create, Self::Delete, Self::Export];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Read => "read",
            Self::Pdf => "pdf",
            Self::Create => "create",
            Self::Delete => "delete",
            Self::Export => "export",
        }
    }

    /// Reads by a patient of their own records are theirs to make and are not recorded;
    /// changes and exports are recorded whoever makes them.
    fn is_read(self) -> bool {
        matches!(self, Self::List | Self::Read | Self::Pdf)
    }
}

impl AuditRecord {
    pub const ALL: [Self; 7] = [
        Self::JournalEntry,
        Self::Prescription,
        Self::SickLeave,
        Self::Patient,
        Self::DoctorVisit,
        Self::DiagnosticBooking,
        Self::Export,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::JournalEntry => "journal_entry",
            Self::Prescription => "prescription",
            Self::SickLeave => "sick_leave",
            Self::Patient => "patient",
            Self::DoctorVisit => "doctor_visit",
            Self::DiagnosticBooking => "diagnostic_booking",
            Self::Export => "export",
        }
    }
}

/// Who asks, from where and when: what every event records of its request.
#[derive(Debug, Clone)]
pub struct Reader {
    pub user_id: u64,
    pub role: Role,
    pub ip: String,
    /// The request's time, by the clock every other timestamp of the request uses.
    pub at: DateTime<Utc>,
}

impl Reader {
    pub fn new(state: &AppState, caller: &Caller, ClientIp(ip): ClientIp) -> Self {
        Self { user_id: caller.user_id, role: caller.role, ip, at: state.now() }
    }

    /// Records that this reader did `action` to a `record` (`record_id`, when it is one
    /// object) of the patients `patients`. A patient's reads of their own records are not
    /// recorded.
    pub async fn record(
        &self,
        executor: impl sqlx::MySqlExecutor<'_>,
        event: Event,
    ) -> Result<(), sqlx::Error> {
        if event.action.is_read() && self.role == Role::Patient {
            return Ok(());
        }
        let patients = serde_json::to_string(&distinct(&event.patients))
            .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        // From a one-row table left-joined to the profile: an account without one (a superuser
        // made from the command line) is still recorded, nameless.
        sqlx::query!(
            "INSERT INTO audit_events
               (occurred_at, actor_id, actor_role, actor_name, actor_surname, action, record,
                record_id, patient_ids, ip_address)
             SELECT ?, ?, ?, COALESCE(p.name, ''), COALESCE(p.surname, ''), ?, ?, ?, ?, ?
             FROM (SELECT 1) AS one LEFT JOIN profiles p ON p.user_id = ?",
            self.at,
            self.user_id,
            self.role.as_str(),
            event.action.as_str(),
            event.record.as_str(),
            event.record_id,
            patients,
            self.ip,
            self.user_id
        )
        .execute(executor)
        .await?;
        Ok(())
    }
}

/// One request's event.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: AuditAction,
    pub record: AuditRecord,
    pub record_id: Option<u64>,
    /// The patients it showed.
    pub patients: Vec<u64>,
}

impl Event {
    /// One object of one patient: read, its PDF, created or deleted.
    pub fn one(action: AuditAction, record: AuditRecord, id: u64, patient: u64) -> Self {
        Self { action, record, record_id: Some(id), patients: vec![patient] }
    }

    /// A list page showing the records of `patients`.
    pub fn list(record: AuditRecord, patients: &[u64]) -> Self {
        Self { action: AuditAction::List, record, record_id: None, patients: patients.to_vec() }
    }
}

/// Each patient once, in id order (a page often shows one patient's records several times).
fn distinct(patients: &[u64]) -> Vec<u64> {
    let mut ids = patients.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patients_are_filed_once_each() {
        assert_eq!(distinct(&[9, 7, 9, 7, 8]), vec![7, 8, 9]);
        assert!(distinct(&[]).is_empty());
    }

    #[test]
    fn names_are_the_contracts() {
        let actions: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(actions, ["list", "read", "pdf", "create", "delete", "export"]);
        for action in AuditAction::ALL {
            let json = serde_json::to_value(action).expect("serialises");
            assert_eq!(json, action.as_str());
        }
        for record in AuditRecord::ALL {
            let json = serde_json::to_value(record).expect("serialises");
            assert_eq!(json, record.as_str());
        }
    }
}
