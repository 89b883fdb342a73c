// Who may do what: the permission table of shared/src/access.rs, so that the app offers each
// role exactly what the server will allow. The server still decides; this only hides buttons
// that would be refused.

import type { Me, Role, User } from '../api/types';

export type Reach = 'all' | 'own' | 'none';

export type Action =
  | 'ListUsers' | 'ReadUser' | 'UpdateUser' | 'DeleteUser' | 'BlockUser' | 'UnblockUser'
  | 'GrantAdmin' | 'RevokeAdmin' | 'ResendActivation' | 'ListPatients' | 'ReadPatient' | 'ListRoles' | 'CreateRole'
  | 'ReadRole' | 'SetDoctorAvailability' | 'ListDoctors' | 'ReadDoctor' | 'ListDiagnostics'
  | 'ReadDiagnostic' | 'ManageDiagnostics' | 'ListDiagnosticBookings' | 'ReadDiagnosticBooking'
  | 'BookDiagnostic' | 'ScheduleDiagnosticBooking' | 'DeleteDiagnosticBooking' | 'ListDoctorVisits'
  | 'ReadDoctorVisit' | 'BookDoctorVisit' | 'CancelDoctorVisit' | 'DeleteDoctorVisit'
  | 'ListJournalEntries' | 'ReadJournalEntry' | 'WriteJournalEntry' | 'DeleteJournalEntry'
  | 'ListPrescriptions' | 'ReadPrescription' | 'WritePrescription' | 'DeletePrescription'
  | 'ListSickLeaves' | 'ReadSickLeave' | 'IssueSickLeave' | 'ListAuditEvents' | 'ExportPatientData'
  | 'ListLoginHistory' | 'DeleteLoginHistory'
  | 'ReadDoctorHours' | 'ManageDoctorHours' | 'FindFreeSlots';

const A: Reach = 'all';
const O: Reach = 'own';
const N: Reach = 'none';

const ROLES: Role[] = ['superuser', 'admin', 'doctor', 'operator', 'pharmacist', 'patient'];

// prettier-ignore
const TABLE: Record<Action, [Reach, Reach, Reach, Reach, Reach, Reach]> = {
  //                           SU AD DOC OPR PHA PAT
  ListUsers:                  [A, A, A, A, A, N],
  ReadUser:                   [A, A, A, A, A, O],
  UpdateUser:                 [A, A, O, O, O, O],
  DeleteUser:                 [A, A, O, O, O, O],
  BlockUser:                  [A, A, N, N, N, N],
  UnblockUser:                [A, A, N, N, N, N],
  GrantAdmin:                 [A, A, N, N, N, N],
  RevokeAdmin:                [A, N, N, N, N, N],
  ResendActivation:           [A, A, N, N, N, N],
  ListPatients:               [A, A, A, A, A, N],
  ReadPatient:                [A, A, A, A, A, O],
  ListRoles:                  [A, A, N, A, N, N],
  CreateRole:                 [A, A, N, N, N, N],
  ReadRole:                   [A, A, O, A, O, O],
  SetDoctorAvailability:      [A, A, N, N, N, N],
  ListDoctors:                [A, A, A, A, A, A],
  ReadDoctor:                 [A, A, A, A, A, A],
  ListDiagnostics:            [A, A, A, A, A, A],
  ReadDiagnostic:             [A, A, A, A, A, A],
  ManageDiagnostics:          [A, A, N, N, N, N],
  ListDiagnosticBookings:     [A, A, A, A, N, O],
  ReadDiagnosticBooking:      [A, A, A, A, N, O],
  BookDiagnostic:             [A, A, N, A, N, O],
  ScheduleDiagnosticBooking:  [A, A, N, A, N, N],
  DeleteDiagnosticBooking:    [A, A, N, A, N, N],
  ListDoctorVisits:           [A, A, A, A, N, O],
  ReadDoctorVisit:            [A, A, A, A, N, O],
  BookDoctorVisit:            [A, A, N, A, N, N],
  CancelDoctorVisit:          [A, A, N, A, N, O],
  DeleteDoctorVisit:          [A, A, N, A, N, N],
  ListJournalEntries:         [A, A, A, A, N, O],
  ReadJournalEntry:           [A, A, A, A, N, O],
  WriteJournalEntry:          [A, A, A, N, N, N],
  DeleteJournalEntry:         [A, A, N, N, N, N],
  ListPrescriptions:          [A, A, A, A, A, O],
  ReadPrescription:           [A, A, A, A, A, O],
  WritePrescription:          [A, A, N, N, A, N],
  DeletePrescription:         [A, A, N, N, N, N],
  // Medical records (API.md "Medical records"): sick leave is read as journals are, and signed
  // by a doctor only; a patient's "own" audit events and export are those about themself.
  ListSickLeaves:             [A, A, A, A, N, O],
  ReadSickLeave:              [A, A, A, A, N, O],
  IssueSickLeave:             [N, N, A, N, N, N],
  ListAuditEvents:            [A, A, N, N, N, O],
  ExportPatientData:          [A, A, N, N, N, O],
  ListLoginHistory:           [A, A, N, N, N, N],
  DeleteLoginHistory:         [A, A, N, N, N, N],
  // Scheduling (API.md "Scheduling"): a doctor's "own" hours are their own user id's.
  ReadDoctorHours:            [A, A, A, A, N, N],
  ManageDoctorHours:          [A, A, O, N, N, N],
  FindFreeSlots:              [A, A, A, A, N, N],
};

export function reach(role: Role, action: Action): Reach {
  return TABLE[action][ROLES.indexOf(role)] ?? 'none';
}

/** May `role` do `action` to anything at all (its own objects included)? */
export function can(role: Role, action: Action): boolean {
  return reach(role, action) !== 'none';
}

/** May `role` do `action` to every object, not only its own? */
export function canForAnyone(role: Role, action: Action): boolean {
  return reach(role, action) === 'all';
}

export const isStaff = (role: Role) => role === 'superuser' || role === 'admin';

export function roleOfUser(user: User): 'superuser' | 'admin' | 'other' {
  if (user.is_superuser) return 'superuser';
  if (user.is_staff) return 'admin';
  return 'other';
}

/**
 * Whether `user` has probably never activated their account: inactive, and never signed in. (An
 * account activated and blocked before its first sign-in looks the same; the server then
 * refuses a new link and says to unblock it.)
 */
export function awaitsActivation(user: User): boolean {
  return user.is_active === false && user.last_login === null;
}

/**
 * What `me` may do to `target` in the users workspace, with API.md's limits on oneself, on
 * admins and on superusers: nobody blocks, promotes or demotes themself; an admin leaves
 * superusers and other admins alone (but may make someone an admin); only a superuser revokes.
 * A new activation link harms no one, so staff may send one to any account awaiting activation.
 */
export function userActions(me: Me, target: User) {
  const self = me.id === target.id;
  const kind = roleOfUser(target);
  const adminLimited = me.role === 'admin' && kind !== 'other';
  const staff = isStaff(me.role);
  return {
    edit: (staff && !(me.role === 'admin' && kind === 'superuser')) || self,
    delete: (staff && !adminLimited) || self,
    block: staff && !self && !adminLimited && target.is_active === true,
    unblock: staff && !self && !adminLimited && target.is_active === false,
    resendActivation: can(me.role, 'ResendActivation') && awaitsActivation(target),
    grantAdmin: staff && !self && kind === 'other',
    revokeAdmin: me.role === 'superuser' && !self && kind === 'admin',
  };
}

/** The streams of live updates a role may read (a pharmacist sees no bookings or journals). */
export function liveStreamsFor(role: Role) {
  const streams = [
    ['diagnostics', 'ListDiagnostics'],
    ['booking_diagnostic', 'ListDiagnosticBookings'],
    ['booking_doctor', 'ListDoctorVisits'],
    ['patient_card', 'ListJournalEntries'],
    ['patient_recipe', 'ListPrescriptions'],
    ['sick_leave', 'ListSickLeaves'],
  ] as const;
  return streams.filter(([, action]) => can(role, action)).map(([stream]) => stream);
}
