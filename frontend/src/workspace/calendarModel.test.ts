import { describe, expect, it } from 'vitest';
import type { DoctorVisit, FreeSlots } from '../api/types';
import { buildCalendar, calendarRange, sameText, stepDate } from './calendarModel';

const NYSTROM = { id: 3, specialty: 'Cardiology', name: 'Erik', surname: 'Nyström' };
const BERG = { id: 4, specialty: 'cardiology', name: 'Maja', surname: 'Berg' };
const NOW = new Date('2031-03-01T00:00:00Z');

function visit(id: number, doctor: typeof NYSTROM, start: string, status: DoctorVisit['status'] = 'booked', duration = 30): DoctorVisit {
  return {
    id,
    user: { id: 100 + id, profile: { id: 100 + id, name: 'Åsa', surname: 'Öberg' } },
    doctor,
    status,
    is_active: status === 'booked',
    date_time: start,
    duration_minutes: duration,
    created_at: start,
    updated_at: start,
  };
}

// Wednesday 12 March 2031 (CET, UTC+1): 09:00, 09:30, 10:00 free for Nyström.
const slots: FreeSlots = {
  date_from: '2031-03-10',
  date_to: '2031-03-16',
  doctors: [
    {
      doctor: NYSTROM,
      visit_minutes: 30,
      slots: [
        { start: '2031-03-12T08:00:00Z', end: '2031-03-12T08:30:00Z' },
        { start: '2031-03-12T08:30:00Z', end: '2031-03-12T09:00:00Z' },
        { start: '2031-03-12T09:00:00Z', end: '2031-03-12T09:30:00Z' },
      ],
    },
    { doctor: BERG, visit_minutes: 20, slots: [{ start: '2031-03-13T12:00:00Z', end: '2031-03-13T12:20:00Z' }] },
  ],
};

describe('the calendar', () => {
  it('shows a week from Monday, a day alone, and steps by either', () => {
    expect(calendarRange('week', '2031-03-12')).toMatchObject({ from: '2031-03-10', to: '2031-03-16' });
    expect(calendarRange('week', '2031-03-12').days).toHaveLength(7);
    expect(calendarRange('day', '2031-03-12')).toEqual({ from: '2031-03-12', to: '2031-03-12', days: ['2031-03-12'] });
    expect(stepDate('week', '2031-03-12', 1)).toBe('2031-03-19');
    expect(stepDate('day', '2031-03-01', -1)).toBe('2031-02-28');
  });

  it('puts booked visits and free slots of a doctor’s day in time order, never a free slot where a visit is', () => {
    // A visit booked since the slots were read (08:30–09:15 UTC) takes the 09:30 and 10:00 slots.
    const visits = [visit(1, NYSTROM, '2031-03-12T08:30:00Z', 'booked', 45), visit(2, NYSTROM, '2031-03-12T08:00:00Z', 'cancelled')];
    const { cells } = buildCalendar({ range: calendarRange('week', '2031-03-12'), slots, visits, who: { doctorId: 3 }, now: NOW });
    expect(cells).toHaveLength(7);
    const wednesday = cells.find((cell) => cell.date === '2031-03-12');
    expect(wednesday?.items.map((item) => [item.kind, item.start])).toEqual([
      ['free', '2031-03-12T08:00:00Z'],
      ['visit', '2031-03-12T08:30:00Z'],
    ]);
    expect(cells.filter((cell) => cell.date !== '2031-03-12').every((cell) => cell.items.length === 0)).toBe(true);
  });

  it('lays a specialty’s doctors side by side, matched as the API matches (case and accents aside), by surname', () => {
    const other = { id: 9, specialty: 'Cardiology, paediatric', name: 'Ola', surname: 'Alm' };
    const visits = [visit(5, other, '2031-03-13T09:00:00Z')];
    const { doctors, cells } = buildCalendar({ range: calendarRange('day', '2031-03-13'), slots, visits, who: { specialty: 'CARDIOLÓGY' }, now: NOW });
    expect(doctors.map((doctor) => doctor.surname)).toEqual(['Berg', 'Nyström']);
    expect(cells.map((cell) => [cell.doctor.surname, cell.items.length])).toEqual([
      ['Berg', 1],
      ['Nyström', 0],
    ]);
    expect(sameText('Kardiologi', 'kardiologí')).toBe(true);
  });

  it('leaves out free slots that have begun', () => {
    const { cells } = buildCalendar({
      range: calendarRange('day', '2031-03-12'),
      slots,
      visits: [],
      who: { doctorId: 3 },
      now: new Date('2031-03-12T08:15:00Z'),
    });
    expect(cells[0].items.map((item) => item.start)).toEqual(['2031-03-12T08:30:00Z', '2031-03-12T09:00:00Z']);
  });
});
