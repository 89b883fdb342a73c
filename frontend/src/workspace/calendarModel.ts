// What the calendar shows, worked out from the API's answers: for each clinic date and doctor,
// the booked visits and the free slots in time order. A free slot that overlaps a booked visit
// is never shown (the API leaves those out already; a visit booked since its answer is caught
// here), so a time that is taken cannot be clicked.

import type { DoctorRef, DoctorVisit, FreeSlots } from '../api/types';
import { addDays, clinicDateOf, datesBetween, mondayOf } from '../lib/dates';

export type CalendarView = 'day' | 'week';

/** Visits booked before lengths existed, and any the API sends without one, last this long. */
export const DEFAULT_VISIT_MINUTES = 30;

export type CalendarItem =
  | { kind: 'free'; start: string; end: string }
  | { kind: 'visit'; start: string; end: string; visit: DoctorVisit };

export interface CalendarCell {
  date: string;
  doctor: DoctorRef;
  items: CalendarItem[];
}

export interface CalendarRange {
  from: string;
  to: string;
  days: string[];
}

/** The dates a view shows around `date`: that day, or its week from Monday to Sunday. */
export function calendarRange(view: CalendarView, date: string): CalendarRange {
  const from = view === 'day' ? date : mondayOf(date);
  const to = view === 'day' ? date : addDays(from, 6);
  return { from, to, days: datesBetween(from, to) };
}

/** The date the "previous" and "next" buttons go to. */
export function stepDate(view: CalendarView, date: string, direction: -1 | 1): string {
  return addDays(date, direction * (view === 'day' ? 1 : 7));
}

/** Equal as the API compares specialties: ignoring case and accents. */
export function sameText(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').trim().localeCompare((b ?? '').trim(), 'en', { sensitivity: 'base' }) === 0;
}

export function visitEnd(visit: DoctorVisit): string {
  const minutes = visit.duration_minutes ?? DEFAULT_VISIT_MINUTES;
  return new Date(new Date(visit.date_time).getTime() + minutes * 60_000).toISOString();
}

function overlaps(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  const [as, ae, bs, be] = [aStart, aEnd, bStart, bEnd].map((iso) => new Date(iso).getTime());
  return as < be && bs < ae;
}

export interface CalendarInput {
  range: CalendarRange;
  slots: FreeSlots | null;
  visits: DoctorVisit[];
  /** One doctor (their user id) or every doctor of a specialty. */
  who: { doctorId: number } | { specialty: string };
  now?: Date;
}

/** The doctors shown, by surname: those the free slots name, and any other with a visit shown. */
function doctorsOf({ slots, visits, who }: CalendarInput): DoctorRef[] {
  const byId = new Map<number, DoctorRef>();
  for (const entry of slots?.doctors ?? []) byId.set(entry.doctor.id, entry.doctor);
  for (const visit of visits) if (!byId.has(visit.doctor.id)) byId.set(visit.doctor.id, visit.doctor);
  const wanted = (doctor: DoctorRef) => ('doctorId' in who ? doctor.id === who.doctorId : sameText(doctor.specialty, who.specialty));
  return [...byId.values()]
    .filter(wanted)
    .sort((a, b) => a.surname.localeCompare(b.surname, 'sv') || a.name.localeCompare(b.name, 'sv') || a.id - b.id);
}

/** Every (date, doctor) cell of the range, with its booked visits and the free slots left. */
export function buildCalendar(input: CalendarInput): { doctors: DoctorRef[]; cells: CalendarCell[] } {
  const now = (input.now ?? new Date()).getTime();
  const doctors = doctorsOf(input);
  const booked = input.visits
    .filter((visit) => visit.status === 'booked')
    .map((visit) => ({ kind: 'visit' as const, start: visit.date_time, end: visitEnd(visit), visit }));
  const cells: CalendarCell[] = [];
  for (const date of input.range.days) {
    for (const doctor of doctors) {
      const visits = booked.filter((item) => item.visit.doctor.id === doctor.id && clinicDateOf(item.start) === date);
      const taken = booked.filter((item) => item.visit.doctor.id === doctor.id);
      const free = (input.slots?.doctors.find((entry) => entry.doctor.id === doctor.id)?.slots ?? [])
        .filter((slot) => clinicDateOf(slot.start) === date && new Date(slot.start).getTime() > now)
        .filter((slot) => !taken.some((item) => overlaps(slot.start, slot.end, item.start, item.end)))
        .map((slot) => ({ kind: 'free' as const, start: slot.start, end: slot.end }));
      const items: CalendarItem[] = [...visits, ...free].sort(
        (a, b) => new Date(a.start).getTime() - new Date(b.start).getTime() || (a.kind === 'visit' ? -1 : 1),
      );
      cells.push({ date, doctor, items });
    }
  }
  return { doctors, cells };
}

/** The doctor's usual visit length, as the free slots say it. */
export function visitMinutesOf(slots: FreeSlots | null, doctorId: number): number | null {
  return slots?.doctors.find((entry) => entry.doctor.id === doctorId)?.visit_minutes ?? null;
}
