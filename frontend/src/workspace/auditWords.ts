// The audit trail in words: what a reader did to which record, said to the patient it is about
// ("read your journal entry") or to staff ("read journal entry #12"), and who the reader was.

import type { AuditAction, AuditEvent, AuditRecord } from '../api/types';
import { ROLE_LABELS } from './sections';

/** Whose records are spoken of: the patient's own, or any patient's. */
export type Audience = 'patient' | 'staff';

const NOUNS: Record<AuditRecord, { one: string; many: string }> = {
  journal_entry: { one: 'journal entry', many: 'journal entries' },
  prescription: { one: 'prescription', many: 'prescriptions' },
  sick_leave: { one: 'sick-leave certificate', many: 'sick-leave certificates' },
  patient: { one: 'profile', many: 'patients' },
  doctor_visit: { one: 'visit', many: 'visits' },
  diagnostic_booking: { one: 'examination booking', many: 'examination bookings' },
  export: { one: 'data', many: 'data' },
};

/** What writing each kind of record is called, to the patient and to staff. */
const WRITTEN: Partial<Record<AuditRecord, { patient: string; staff: string }>> = {
  journal_entry: { patient: 'wrote a journal entry for you', staff: 'wrote journal entry' },
  prescription: { patient: 'wrote you a prescription', staff: 'wrote prescription' },
  sick_leave: { patient: 'issued you a sick-leave certificate', staff: 'issued sick-leave certificate' },
};

export const ACTION_LABELS: Record<AuditAction, string> = {
  list: 'Listed',
  read: 'Read',
  pdf: 'Downloaded a PDF',
  create: 'Wrote',
  delete: 'Deleted',
  export: 'Exported',
};

export const RECORD_LABELS: Record<AuditRecord, string> = {
  journal_entry: 'Journal entries',
  prescription: 'Prescriptions',
  sick_leave: 'Sick-leave certificates',
  patient: 'Patient profiles',
  doctor_visit: 'Doctor visits',
  diagnostic_booking: 'Diagnostic bookings',
  export: 'Data exports',
};

/** "#12" after a record's name, for staff, when the event names one. */
function numbered(noun: string, id: number | null): string {
  return id === null ? noun : `${noun} #${id}`;
}

/** What the reader did, as a phrase that follows their name. */
export function auditWhat(event: Pick<AuditEvent, 'action' | 'record' | 'record_id'>, audience: Audience): string {
  const noun = NOUNS[event.record];
  if (!noun) return `${event.action} ${String(event.record).replace(/_/g, ' ')}`;
  const own = audience === 'patient';
  const one = own ? `your ${noun.one}` : numbered(noun.one, event.record_id);
  switch (event.action) {
    case 'list':
      if (event.record === 'patient') return own ? 'looked you up in the list of patients' : 'listed patients';
      return `listed ${noun.many}`;
    case 'read':
      return own ? `read ${one}` : `read ${event.record === 'patient' ? numbered('patient profile', event.record_id) : one}`;
    case 'pdf':
      if (event.record === 'doctor_visit') return `downloaded the summary of ${one}`;
      return `downloaded the PDF of ${one}`;
    case 'create': {
      const written = WRITTEN[event.record];
      if (!written) return `added ${one}`;
      return own ? written.patient : numbered(written.staff, event.record_id);
    }
    case 'delete':
      return `deleted ${one}`;
    case 'export':
      return own ? 'exported your data' : "exported the patient's data";
    default:
      return `${String(event.action)} ${own ? 'your' : 'a'} ${noun.one}`;
  }
}

/** Who did it: "You" for the viewer themself, else their name then. */
export function auditWho(event: Pick<AuditEvent, 'actor'>, viewerId: number): string {
  if (event.actor.id !== null && event.actor.id === viewerId) return 'You';
  return `${event.actor.name} ${event.actor.surname}`.trim() || 'A former user';
}

/** The reader's role then: "Doctor". */
export function auditRole(event: Pick<AuditEvent, 'actor'>): string {
  return ROLE_LABELS[event.actor.role] ?? event.actor.role;
}
