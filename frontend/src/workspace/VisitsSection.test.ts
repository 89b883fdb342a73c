import { describe, expect, it } from 'vitest';
import type { DoctorVisit } from '../api/types';
import { patientCancelRefusal } from './VisitsSection';

const now = new Date('2026-12-01T08:00:00Z');

function visitIn(hours: number, status: DoctorVisit['status'] = 'booked'): DoctorVisit {
  const at = new Date(now.getTime() + hours * 3_600_000).toISOString();
  return {
    id: 1,
    user: { id: 7, profile: { id: 7, name: 'Åsa', surname: 'Öberg' } },
    doctor: { id: 3, specialty: 'Cardiology', name: 'Erik', surname: 'Nyström' },
    status,
    is_active: status === 'booked',
    date_time: at,
    created_at: at,
    updated_at: at,
  };
}

describe('a patient cancelling their own visit', () => {
  it('may do so while the visit is more than 24 hours away', () => {
    expect(patientCancelRefusal(visitIn(24.1), now)).toBeNull();
  });

  it('is told to call the clinic within 24 hours, and that a past visit is past', () => {
    expect(patientCancelRefusal(visitIn(24), now)).toMatch(/until 24 hours before/);
    expect(patientCancelRefusal(visitIn(2), now)).toMatch(/call the clinic/);
    expect(patientCancelRefusal(visitIn(-1), now)).toBe('This visit has already taken place.');
  });
});
