// Which parts of the workspace each role has, in the order its menu shows them. Each part offers
// only the actions the permission table (auth/permissions.ts) gives that role.

import type { Role } from '../api/types';

export const ROLE_LABELS: Record<Role, string> = {
  superuser: 'Superuser',
  admin: 'Administrator',
  doctor: 'Doctor',
  operator: 'Operator',
  pharmacist: 'Pharmacist',
  patient: 'Patient',
};

export type SectionKey =
  | 'today'
  | 'calendar'
  | 'hours'
  | 'users'
  | 'staff'
  | 'patients'
  | 'diagnostics'
  | 'diagnostic-bookings'
  | 'visits'
  | 'journal'
  | 'prescriptions'
  | 'sick-leave'
  | 'login-history'
  | 'audit'
  | 'profile';

export interface SectionInfo {
  key: SectionKey;
  roles: readonly Role[];
  /** The menu's words, per role where a patient reads it differently. */
  label: (role: Role) => string;
}

const STAFF: Role[] = ['superuser', 'admin'];
const ALL: Role[] = ['superuser', 'admin', 'doctor', 'operator', 'pharmacist', 'patient'];
const own = (mine: string, theirs: string) => (role: Role) => (role === 'patient' ? mine : theirs);

// The first section a role has is where its workspace opens: a doctor's day, an operator's
// calendar, staff's users.
export const SECTIONS: SectionInfo[] = [
  { key: 'today', roles: ['doctor'], label: () => 'Today' },
  { key: 'users', roles: STAFF, label: () => 'Users' },
  { key: 'calendar', roles: [...STAFF, 'doctor', 'operator'], label: () => 'Calendar' },
  { key: 'staff', roles: [...STAFF, 'operator'], label: () => 'Staff' },
  { key: 'patients', roles: [...STAFF, 'doctor', 'operator', 'pharmacist'], label: () => 'Patients' },
  { key: 'visits', roles: [...STAFF, 'doctor', 'operator', 'patient'], label: own('My visits', 'Doctor visits') },
  {
    key: 'diagnostic-bookings',
    roles: [...STAFF, 'doctor', 'operator', 'patient'],
    label: own('My examinations', 'Diagnostic bookings'),
  },
  { key: 'diagnostics', roles: ALL, label: own('Book an examination', 'Diagnostics') },
  { key: 'journal', roles: [...STAFF, 'doctor', 'operator', 'patient'], label: own('My journal', 'Journals') },
  { key: 'prescriptions', roles: ALL, label: own('My prescriptions', 'Prescriptions') },
  { key: 'sick-leave', roles: [...STAFF, 'doctor', 'operator', 'patient'], label: own('My sick leave', 'Sick leave') },
  { key: 'hours', roles: [...STAFF, 'doctor', 'operator'], label: () => 'Working hours' },
  { key: 'login-history', roles: STAFF, label: () => 'Login history' },
  { key: 'audit', roles: [...STAFF, 'patient'], label: own('Who has read my record', 'Audit trail') },
  { key: 'profile', roles: ALL, label: () => 'My profile' },
];

/** Who may open a patient's chart: whoever may read every patient. */
export const CHART_ROLES: Role[] = [...STAFF, 'doctor', 'operator', 'pharmacist'];

export function sectionsFor(role: Role): SectionInfo[] {
  return SECTIONS.filter((section) => section.roles.includes(role));
}
