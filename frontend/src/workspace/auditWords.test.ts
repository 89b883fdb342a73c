import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../api/types';
import { auditRole, auditWhat, auditWho } from './auditWords';

const event = (action: AuditEvent['action'], record: AuditEvent['record'], record_id: number | null = 12): AuditEvent => ({
  id: 1,
  at: '2026-12-06T10:00:00Z',
  action,
  record,
  record_id,
  actor: { id: 5, name: 'Erik', surname: 'Nyström', role: 'doctor' },
  patient_ids: [7],
  ip_address: null,
});

describe('the audit trail in words', () => {
  it('tells a patient what was done to their record', () => {
    expect(auditWhat(event('read', 'journal_entry'), 'patient')).toBe('read your journal entry');
    expect(auditWhat(event('list', 'prescription', null), 'patient')).toBe('listed prescriptions');
    expect(auditWhat(event('pdf', 'sick_leave'), 'patient')).toBe('downloaded the PDF of your sick-leave certificate');
    expect(auditWhat(event('pdf', 'doctor_visit'), 'patient')).toBe('downloaded the summary of your visit');
    expect(auditWhat(event('list', 'diagnostic_booking'), 'patient')).toBe('listed examination bookings');
    expect(auditWhat(event('read', 'diagnostic_booking'), 'patient')).toBe('read your examination booking');
    expect(auditWhat(event('export', 'export', null), 'patient')).toBe('exported your data');
    expect(auditWhat(event('read', 'patient', 7), 'patient')).toBe('read your profile');
    expect(auditWhat(event('list', 'patient', null), 'patient')).toBe('looked you up in the list of patients');
    expect(auditWhat(event('create', 'sick_leave'), 'patient')).toBe('issued you a sick-leave certificate');
    expect(auditWhat(event('create', 'journal_entry'), 'patient')).toBe('wrote a journal entry for you');
    expect(auditWhat(event('delete', 'prescription'), 'patient')).toBe('deleted your prescription');
  });

  it('tells staff which record it was', () => {
    expect(auditWhat(event('read', 'journal_entry'), 'staff')).toBe('read journal entry #12');
    expect(auditWhat(event('list', 'sick_leave', null), 'staff')).toBe('listed sick-leave certificates');
    expect(auditWhat(event('pdf', 'prescription', 4), 'staff')).toBe('downloaded the PDF of prescription #4');
    expect(auditWhat(event('read', 'patient', 7), 'staff')).toBe('read patient profile #7');
    expect(auditWhat(event('create', 'sick_leave', 3), 'staff')).toBe('issued sick-leave certificate #3');
    expect(auditWhat(event('export', 'export', null), 'staff')).toBe("exported the patient's data");
  });

  it('says what it can of a kind of record it does not know', () => {
    const future = { ...event('read', 'journal_entry'), record: 'lab_result' as AuditEvent['record'] };
    expect(auditWhat(future, 'patient')).toBe('read lab result');
  });

  it('names the reader as they were, and the viewer as "You"', () => {
    expect(auditWho(event('read', 'journal_entry'), 7)).toBe('Erik Nyström');
    expect(auditRole(event('read', 'journal_entry'))).toBe('Doctor');
    const own = { ...event('export', 'export', null), actor: { id: 7, name: 'Åsa', surname: 'Öberg', role: 'patient' as const } };
    expect(auditWho(own, 7)).toBe('You');
    const gone = { ...event('read', 'journal_entry'), actor: { id: null, name: 'Erik', surname: 'Nyström', role: 'doctor' as const } };
    expect(auditWho(gone, 7)).toBe('Erik Nyström');
  });
});
