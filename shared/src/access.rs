//! Who may do what: the role model and the permission table of API.md in one readable place.
//! Handlers ask [`authorize`]; they do not scatter `if is_staff` checks.

use serde::Serialize;

use crate::error::ApiError;

/// A user's role, from the strongest: a superuser who is also staff is a superuser, an admin
/// who also has a doctor's row acts as an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Superuser,
    Admin,
    Doctor,
    Operator,
    Pharmacist,
    Patient,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Superuser,
        Role::Admin,
        Role::Doctor,
        Role::Operator,
        Role::Pharmacist,
        Role::Patient,
    ];

    /// `staff_role` is the `roles.role` column, if the user has a row there.
    pub fn of(is_superuser: bool, is_staff: bool, staff_role: Option<&str>) -> Self {
        match (is_superuser, is_staff, staff_role) {
            (true, _, _) => Self::Superuser,
            (false, true, _) => Self::Admin,
            (false, false, Some("doctor")) => Self::Doctor,
            (false, false, Some("operator")) => Self::Operator,
            (false, false, Some("pharmacist")) => Self::Pharmacist,
            _ => Self::Patient,
        }
    }

    /// Superusers and admins: "staff" in API.md.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Superuser | Self::Admin)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Superuser => "superuser",
            Self::Admin => "admin",
            Self::Doctor => "doctor",
            Self::Operator => "operator",
            Self::Pharmacist => "pharmacist",
            Self::Patient => "patient",
        }
    }
}

/// How far a role's permission for an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Any object.
    All,
    /// Only objects that belong to the caller (their own account, bookings, records).
    Own,
    /// Nothing.
    None,
}

/// Every operation of API.md that not everyone signed in may perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ListUsers,
    ReadUser,
    UpdateUser,
    DeleteUser,
    BlockUser,
    UnblockUser,
    GrantAdmin,
    RevokeAdmin,
    ResendActivation,
    ListPatients,
    ReadPatient,
    ListRoles,
    CreateRole,
    ReadRole,
    SetDoctorAvailability,
    ListDoctors,
    ReadDoctor,
    ListDiagnostics,
    ReadDiagnostic,
    ManageDiagnostics,
    ListDiagnosticBookings,
    ReadDiagnosticBooking,
    BookDiagnostic,
    ScheduleDiagnosticBooking,
    DeleteDiagnosticBooking,
    ListDoctorVisits,
    ReadDoctorVisit,
    BookDoctorVisit,
    CancelDoctorVisit,
    DeleteDoctorVisit,
    ReadDoctorHours,
    ManageDoctorHours,
    FindFreeSlots,
    ListJournalEntries,
    ReadJournalEntry,
    WriteJournalEntry,
    DeleteJournalEntry,
    ListPrescriptions,
    ReadPrescription,
    WritePrescription,
    DeletePrescription,
    ListLoginHistory,
    DeleteLoginHistory,
    ListSickLeaves,
    ReadSickLeave,
    IssueSickLeave,
    ListAuditEvents,
    ExportPatientData,
}

use Reach::{All, None as No, Own};

/// The permission table. Columns: superuser, admin, doctor, operator, pharmacist, patient.
#[rustfmt::skip]
const TABLE: &[(Action, [Reach; 6])] = &[
    //                                  SU   AD   DOC  OPR  PHA  PAT
    (Action::ListUsers,                 [All, All, All, All, All, No ]),
    (Action::ReadUser,                  [All, All, All, All, All, Own]),
    (Action::UpdateUser,                [All, All, Own, Own, Own, Own]),
    (Action::DeleteUser,                [All, All, Own, Own, Own, Own]),
    (Action::BlockUser,                 [All, All, No,  No,  No,  No ]),
    (Action::UnblockUser,               [All, All, No,  No,  No,  No ]),
    (Action::GrantAdmin,                [All, All, No,  No,  No,  No ]),
    (Action::RevokeAdmin,               [All, No,  No,  No,  No,  No ]),
    (Action::ResendActivation,          [All, All, No,  No,  No,  No ]),
    (Action::ListPatients,              [All, All, All, All, All, No ]),
    (Action::ReadPatient,               [All, All, All, All, All, Own]),
    (Action::ListRoles,                 [All, All, No,  All, No,  No ]),
    (Action::CreateRole,                [All, All, No,  No,  No,  No ]),
    (Action::ReadRole,                  [All, All, Own, All, Own, Own]),
    (Action::SetDoctorAvailability,     [All, All, No,  No,  No,  No ]),
    (Action::ListDoctors,               [All, All, All, All, All, All]),
    (Action::ReadDoctor,                [All, All, All, All, All, All]),
    (Action::ListDiagnostics,           [All, All, All, All, All, All]),
    (Action::ReadDiagnostic,            [All, All, All, All, All, All]),
    (Action::ManageDiagnostics,         [All, All, No,  No,  No,  No ]),
    (Action::ListDiagnosticBookings,    [All, All, All, All, No,  Own]),
    (Action::ReadDiagnosticBooking,     [All, All, All, All, No,  Own]),
    (Action::BookDiagnostic,            [All, All, No,  All, No,  Own]),
    (Action::ScheduleDiagnosticBooking, [All, All, No,  All, No,  No ]),
    (Action::DeleteDiagnosticBooking,   [All, All, No,  All, No,  No ]),
    (Action::ListDoctorVisits,          [All, All, All, All, No,  Own]),
    (Action::ReadDoctorVisit,           [All, All, All, All, No,  Own]),
    (Action::BookDoctorVisit,           [All, All, No,  All, No,  No ]),
    (Action::CancelDoctorVisit,         [All, All, No,  All, No,  Own]),
    (Action::DeleteDoctorVisit,         [All, All, No,  All, No,  No ]),
    (Action::ReadDoctorHours,           [All, All, All, All, No,  No ]),
    (Action::ManageDoctorHours,         [All, All, Own, No,  No,  No ]),
    (Action::FindFreeSlots,             [All, All, All, All, No,  No ]),
    (Action::ListJournalEntries,        [All, All, All, All, No,  Own]),
    (Action::ReadJournalEntry,          [All, All, All, All, No,  Own]),
    (Action::WriteJournalEntry,         [All, All, All, No,  No,  No ]),
    (Action::DeleteJournalEntry,        [All, All, No,  No,  No,  No ]),
    (Action::ListPrescriptions,         [All, All, All, All, All, Own]),
    (Action::ReadPrescription,          [All, All, All, All, All, Own]),
    (Action::WritePrescription,         [All, All, No,  No,  All, No ]),
    (Action::DeletePrescription,        [All, All, No,  No,  No,  No ]),
    (Action::ListLoginHistory,          [All, All, No,  No,  No,  No ]),
    (Action::DeleteLoginHistory,        [All, All, No,  No,  No,  No ]),
    (Action::ListSickLeaves,            [All, All, All, All, No,  Own]),
    (Action::ReadSickLeave,             [All, All, All, All, No,  Own]),
    // Signed by the doctor who issues it: a certificate is a doctor's statement.
    (Action::IssueSickLeave,            [No,  No,  All, No,  No,  No ]),
    (Action::ListAuditEvents,           [All, All, No,  No,  No,  Own]),
    (Action::ExportPatientData,         [All, All, No,  No,  No,  Own]),
];

impl Action {
    /// The read permission that decides whether the object's existence may show: acting on an
    /// object one cannot see is a 404, acting on one one can see but not change is a 403.
    pub fn visibility(self) -> Action {
        use Action::*;
        match self {
            UpdateUser | DeleteUser | BlockUser | UnblockUser | GrantAdmin | RevokeAdmin
            | ResendActivation => ReadUser,
            SetDoctorAvailability => ReadRole,
            ManageDiagnostics => ReadDiagnostic,
            ScheduleDiagnosticBooking | DeleteDiagnosticBooking => ReadDiagnosticBooking,
            CancelDoctorVisit | DeleteDoctorVisit => ReadDoctorVisit,
            ManageDoctorHours => ReadDoctorHours,
            DeleteJournalEntry => ReadJournalEntry,
            DeletePrescription => ReadPrescription,
            DeleteLoginHistory => ListLoginHistory,
            other => other,
        }
    }
}

/// How far `role` may perform `action`.
pub fn reach(role: Role, action: Action) -> Reach {
    let column = Role::ALL.iter().position(|r| *r == role).unwrap_or(Role::ALL.len() - 1);
    TABLE.iter().find(|(a, _)| *a == action).map_or(No, |(_, reaches)| reaches[column])
}

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: u64,
    pub role: Role,
}

/// May `actor` perform `action` on an object belonging to `owner` (the user id the object is
/// about: the account itself, the patient of a booking)? `None` for actions on a whole collection.
///
/// Refusals: 403 when the role may not do this to any object at all (the answer is then the
/// same whether or not the object exists, so nothing leaks), or when the object may be seen but
/// not acted on; 404 when the role may act on its own objects only and this one is someone
/// else's that it may not even see, so that its existence does not leak.
pub fn authorize(actor: Actor, action: Action, owner: Option<u64>) -> Result<(), ApiError> {
    let allowed = |action| match reach(actor.role, action) {
        All => true,
        Own => owner == Some(actor.user_id),
        No => false,
    };
    if allowed(action) {
        Ok(())
    } else if reach(actor.role, action) == Own && owner.is_some() && !allowed(action.visibility()) {
        Err(ApiError::NotFound)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Refuses (403) a role that may do `action` to no object at all (see
/// [`crate::auth::Caller::authorize_any`]).
pub fn authorize_any(actor: Actor, action: Action) -> Result<(), ApiError> {
    match reach(actor.role, action) {
        No => Err(ApiError::Forbidden),
        All | Own => Ok(()),
    }
}

/// The account an account-management action is aimed at.
#[derive(Debug, Clone, Copy)]
pub struct TargetAccount {
    pub user_id: u64,
    pub is_staff: bool,
    pub is_superuser: bool,
}

/// The limits on acting on oneself, on admins and on superusers (API.md, users table), checked
/// after [`authorize`].
pub fn check_account_limits(
    actor: Actor,
    action: Action,
    target: TargetAccount,
) -> Result<(), ApiError> {
    let oneself = actor.user_id == target.user_id;
    let actor_is_admin = actor.role == Role::Admin;
    let target_is_admin = target.is_staff && !target.is_superuser;
    let refused = match action {
        // Admins cannot change or manage superusers.
        Action::UpdateUser | Action::GrantAdmin => actor_is_admin && target.is_superuser,
        // Admins may delete themselves, but no superuser and no other admin.
        Action::DeleteUser => {
            actor_is_admin && !oneself && (target.is_superuser || target_is_admin)
        }
        Action::BlockUser | Action::UnblockUser => {
            oneself || (actor_is_admin && (target.is_superuser || target_is_admin))
        }
        Action::RevokeAdmin => oneself,
        // An activation link goes only to the account's own address and changes nothing until
        // its owner follows it, so staff may send one to anyone; an activated account (oneself
        // included) is refused by the handler.
        _ => false,
    };
    // Granting oneself admin rights is meaningless for staff and forbidden for everyone else.
    let refused = refused || (action == Action::GrantAdmin && oneself);
    if refused { Err(ApiError::Forbidden) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Role::*;

    /// API.md's tables, written out again independently of `TABLE`, row by row: which roles may
    /// perform each action on any object (A), only on their own (O), or not at all (-).
    #[rustfmt::skip]
    const EXPECTED: &[(Action, &str)] = &[
        // order: superuser admin doctor operator pharmacist patient
        (ListUsers, "AAAAA-"), (ReadUser, "AAAAAO"), (UpdateUser, "AAOOOO"), (DeleteUser, "AAOOOO"),
        (BlockUser, "AA----"), (UnblockUser, "AA----"), (GrantAdmin, "AA----"), (RevokeAdmin, "A-----"),
        (ResendActivation, "AA----"),
        (ListPatients, "AAAAA-"), (ReadPatient, "AAAAAO"),
        (ListRoles, "AA-A--"), (CreateRole, "AA----"), (ReadRole, "AAOAOO"),
        (SetDoctorAvailability, "AA----"), (ListDoctors, "AAAAAA"), (ReadDoctor, "AAAAAA"),
        (ListDiagnostics, "AAAAAA"), (ReadDiagnostic, "AAAAAA"), (ManageDiagnostics, "AA----"),
        (ListDiagnosticBookings, "AAAA-O"), (ReadDiagnosticBooking, "AAAA-O"),
        (BookDiagnostic, "AA-A-O"), (ScheduleDiagnosticBooking, "AA-A--"), (DeleteDiagnosticBooking, "AA-A--"),
        (ListDoctorVisits, "AAAA-O"), (ReadDoctorVisit, "AAAA-O"), (BookDoctorVisit, "AA-A--"),
        (CancelDoctorVisit, "AA-A-O"), (DeleteDoctorVisit, "AA-A--"),
        (ReadDoctorHours, "AAAA--"), (ManageDoctorHours, "AAO---"), (FindFreeSlots, "AAAA--"),
        (ListJournalEntries, "AAAA-O"), (ReadJournalEntry, "AAAA-O"), (WriteJournalEntry, "AAA---"),
        (DeleteJournalEntry, "AA----"),
        (ListPrescriptions, "AAAAAO"), (ReadPrescription, "AAAAAO"), (WritePrescription, "AA--A-"),
        (DeletePrescription, "AA----"),
        (ListLoginHistory, "AA----"), (DeleteLoginHistory, "AA----"),
        (ListSickLeaves, "AAAA-O"), (ReadSickLeave, "AAAA-O"), (IssueSickLeave, "--A---"),
        (ListAuditEvents, "AA---O"), (ExportPatientData, "AA---O"),
    ];

    #[test]
    fn every_role_and_action_pair_matches_the_contract() {
        assert_eq!(EXPECTED.len(), TABLE.len(), "every action is in both tables");
        for (action, expected) in EXPECTED {
            for (role, code) in Role::ALL.iter().zip(expected.chars()) {
                let want = match code {
                    'A' => All,
                    'O' => Own,
                    _ => No,
                };
                assert_eq!(reach(*role, *action), want, "{role:?} × {action:?}");
            }
        }
    }

    fn actor(role: Role) -> Actor {
        Actor { user_id: 1, role }
    }

    #[test]
    fn own_objects_are_allowed_and_others_are_hidden() {
        assert!(authorize(actor(Patient), ReadUser, Some(1)).is_ok());
        assert!(matches!(authorize(actor(Patient), ReadUser, Some(2)), Err(ApiError::NotFound)));
        // A doctor may see any user, so changing someone else's account is a 403, not a 404.
        assert!(matches!(authorize(actor(Doctor), UpdateUser, Some(2)), Err(ApiError::Forbidden)));
        assert!(matches!(authorize(actor(Patient), UpdateUser, Some(2)), Err(ApiError::NotFound)));
        // What a role may do to no object at all is refused alike for every id, existing or not.
        assert!(matches!(authorize(actor(Patient), BlockUser, Some(2)), Err(ApiError::Forbidden)));
        assert!(matches!(
            authorize(actor(Pharmacist), ReadJournalEntry, Some(2)),
            Err(ApiError::Forbidden)
        ));
        assert!(matches!(
            authorize(actor(Patient), CancelDoctorVisit, Some(2)),
            Err(ApiError::NotFound)
        ));
        // Collections: refused outright.
        assert!(matches!(authorize(actor(Patient), ListUsers, None), Err(ApiError::Forbidden)));
        assert!(matches!(
            authorize(actor(Pharmacist), ListJournalEntries, None),
            Err(ApiError::Forbidden)
        ));
        assert!(authorize(actor(Operator), ListRoles, None).is_ok());
    }

    #[test]
    fn roles_follow_the_strongest_flag() {
        assert_eq!(Role::of(true, true, Some("doctor")), Superuser);
        assert_eq!(Role::of(false, true, Some("doctor")), Admin);
        assert_eq!(Role::of(false, false, Some("pharmacist")), Pharmacist);
        assert_eq!(Role::of(false, false, None), Patient);
    }

    fn target(user_id: u64, is_staff: bool, is_superuser: bool) -> TargetAccount {
        TargetAccount { user_id, is_staff, is_superuser }
    }

    #[test]
    fn account_limits_on_oneself_admins_and_superusers() {
        let admin = Actor { user_id: 1, role: Admin };
        let superuser = Actor { user_id: 1, role: Superuser };
        let other_superuser = target(2, true, true);
        let other_admin = target(2, true, false);
        let patient = target(2, false, false);
        let refused = |actor, action, target| check_account_limits(actor, action, target).is_err();

        assert!(refused(admin, UpdateUser, other_superuser));
        assert!(!refused(admin, UpdateUser, other_admin));
        assert!(refused(admin, DeleteUser, other_superuser));
        assert!(refused(admin, DeleteUser, other_admin));
        assert!(!refused(admin, DeleteUser, target(1, true, false)), "an admin may leave");
        assert!(!refused(admin, DeleteUser, patient));
        assert!(refused(admin, BlockUser, other_admin));
        assert!(refused(admin, UnblockUser, other_superuser));
        assert!(!refused(admin, BlockUser, patient));
        assert!(refused(admin, BlockUser, target(1, true, false)), "not oneself");
        assert!(refused(superuser, BlockUser, target(1, true, true)), "not oneself");
        assert!(!refused(superuser, BlockUser, other_admin));
        assert!(!refused(superuser, BlockUser, other_superuser));
        assert!(refused(admin, GrantAdmin, other_superuser));
        assert!(refused(admin, GrantAdmin, target(1, true, false)), "not oneself");
        assert!(!refused(admin, GrantAdmin, patient));
        assert!(refused(superuser, RevokeAdmin, target(1, true, true)), "not oneself");
        assert!(!refused(superuser, RevokeAdmin, other_admin));
    }
}
