// The API's objects, as docs/API.md describes them.

export type Role = 'superuser' | 'admin' | 'doctor' | 'operator' | 'pharmacist' | 'patient';
export type StaffRoleName = 'doctor' | 'operator' | 'pharmacist';
export type Gender = 'Male' | 'Female';

export interface Profile {
  id: number;
  name: string;
  surname: string;
  phone_number?: string | null;
  date_of_birth?: string | null;
  age?: number | null;
  height?: number | null;
  weight?: number | null;
  street?: string | null;
  house?: string | null;
  city?: string | null;
  region?: string | null;
  country?: string | null;
  gender?: Gender | null;
  created_at?: string;
  updated_at?: string;
}

export interface User {
  id: number;
  email?: string;
  pending_email?: string | null;
  is_active?: boolean;
  is_staff?: boolean;
  is_superuser?: boolean;
  last_login?: string | null;
  created_at?: string;
  updated_at?: string;
  profile: Profile;
}

export interface Page<T> {
  total_items: number;
  total_pages: number;
  prev: boolean;
  next: boolean;
  data: T[];
}

/** GET /auth/qhealth_role */
export interface Me {
  id: number;
  is_superuser: boolean;
  is_staff: boolean;
  is_user: boolean;
  role: Role;
  role_id: number | null;
  specialty: string | null;
  name: string;
}

export interface StaffMember {
  id: number;
  role: StaffRoleName;
  specialty: string | null;
  is_available_for_booking: boolean;
  user: User;
}

export interface Diagnostic {
  id: number;
  modality: string;
  created_at: string;
  updated_at: string;
}

export interface DiagnosticBooking {
  id: number;
  user: User;
  diagnostic_service: Diagnostic;
  booked_by: User | null;
  date_time: string | null;
  created_at: string;
  updated_at: string;
}

export interface DoctorVisit {
  id: number;
  user: User;
  doctor: { id: number; specialty: string | null; name: string; surname: string };
  status: 'booked' | 'cancelled';
  is_active: boolean;
  date_time: string;
  /** How long the visit lasts: it occupies [date_time, date_time + duration_minutes). */
  duration_minutes?: number;
  created_at: string;
  updated_at: string;
}

/** A doctor as visits and free slots name them; `id` is the doctor's user id. */
export interface DoctorRef {
  id: number;
  specialty: string | null;
  name: string;
  surname: string;
}

export interface Slot {
  start: string;
  end: string;
}

/** GET /booking_doctor/free_slots */
export interface FreeSlots {
  date_from: string;
  date_to: string;
  doctors: { doctor: DoctorRef; visit_minutes: number; slots: Slot[] }[];
}

/** ISO weekday (1 = Monday) and clinic times of day, HH:MM. */
export interface WeeklyInterval {
  weekday: number;
  from: string;
  to: string;
}

export interface HoursException {
  id: number;
  date: string;
  kind: 'absence' | 'extra';
  from: string | null;
  to: string | null;
  note: string;
}

/** GET /booking_doctor/hours/{doctor_id} */
export interface WorkingHours {
  doctor_id: number;
  visit_minutes: number;
  weekly: WeeklyInterval[];
  exceptions: HoursException[];
}

/** A booked visit to come that a change of hours leaves outside them (never moved by it). */
export interface ConflictingVisit {
  id: number;
  date_time: string;
  duration_minutes: number;
  patient: { id: number; name: string; surname: string };
}

export interface JournalEntry {
  id: number;
  diagnosis: string;
  description: string;
  planning: string;
  user: User;
  created_at: string;
  updated_at: string;
}

export interface Prescription {
  id: number;
  recipe: string;
  description: string;
  user: User;
  created_at: string;
  updated_at: string;
}

/** A sick-leave certificate; `doctor` is the signing doctor as they were then (`id` null once deleted). */
export interface SickLeave {
  id: number;
  date_from: string;
  date_to: string;
  diagnosis: string;
  notes: string;
  user: User;
  doctor: { id: number | null; specialty: string | null; name: string; surname: string };
  created_at: string;
  updated_at: string;
}

export type AuditAction = 'list' | 'read' | 'pdf' | 'create' | 'delete' | 'export';
export type AuditRecord =
  | 'journal_entry'
  | 'prescription'
  | 'sick_leave'
  | 'patient'
  | 'doctor_visit'
  | 'diagnostic_booking'
  | 'export';

/** One request that read, wrote or exported patients' records; `actor` as they were then. */
export interface AuditEvent {
  id: number;
  at: string;
  action: AuditAction;
  record: AuditRecord;
  record_id: number | null;
  actor: { id: number | null; name: string; surname: string; role: Role };
  patient_ids: number[];
  ip_address: string | null;
}

export interface LoginAttempt {
  id: number;
  email: string;
  ip_address: string;
  timestamp: string;
  success: boolean;
  created_at: string;
  updated_at: string;
}

/** The profile as a form sends it: only the fields given. */
export type ProfileInput = Partial<Record<keyof Profile, string | number | null>>;

export function fullName(user: { profile?: Pick<Profile, 'name' | 'surname'> } | null | undefined): string {
  if (!user?.profile) return '—';
  return `${user.profile.name} ${user.profile.surname}`.trim();
}
