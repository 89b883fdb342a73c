// Date-times are stored in UTC and shown, and typed, as the clinic's clocks read them
// (CLINIC_TZ), whatever time zone the browser is in. Only `Intl` is needed for that.

import { CLINIC_TZ } from '../config';

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    partsFormats.set(timeZone, format);
  }
  return format;
}

/** What the clocks in `timeZone` show at `moment` (to the minute). */
export function wallClockAt(moment: Date, timeZone: string = CLINIC_TZ): WallClock {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(moment)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute };
}

function wallAsUtcMillis(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

function sameWall(a: WallClock, b: WallClock): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

/** The zone's offset from UTC at `millis`, in milliseconds (whole minutes). */
function offsetAt(millis: number, timeZone: string): number {
  const moment = new Date(Math.floor(millis / 60_000) * 60_000);
  return wallAsUtcMillis(wallClockAt(moment, timeZone)) - moment.getTime();
}

/**
 * The moment a `datetime-local` value (`YYYY-MM-DDTHH:MM`) names on the clinic's clocks, or
 * null when it is not a real time there: malformed, or skipped when the clocks go forward. A
 * time the clocks pass twice (autumn) is the first, as the server reads it.
 */
export function clinicLocalToDate(local: string, timeZone: string = CLINIC_TZ): Date | null {
  const match = LOCAL_INPUT.exec(local.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const wall = { year, month, day, hour, minute };
  const asUtc = wallAsUtcMillis(wall);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  // The offset is one of the offsets in force within a day around that wall time.
  const candidates = [offsetAt(asUtc - 86_400_000, timeZone), offsetAt(asUtc + 86_400_000, timeZone)]
    .map((offset) => asUtc - offset)
    .filter((millis) => sameWall(wallClockAt(new Date(millis), timeZone), wall))
    .sort((a, b) => a - b);
  return candidates.length > 0 ? new Date(candidates[0]) : null;
}

/** A UTC moment as a `datetime-local` value on the clinic's clocks. */
export function dateToClinicLocal(moment: Date, timeZone: string = CLINIC_TZ): string {
  const w = wallClockAt(moment, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: CLINIC_TZ,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

const plainDateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });

/** "Tue, 1 Dec 2026, 09:00 CET", on the clinic's clocks; an empty value reads as a dash. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? iso : dateTimeFormat.format(moment);
}

/** A calendar date (YYYY-MM-DD, such as a date of birth) as "22 Sep 1985". */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const moment = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(moment.getTime()) ? date : plainDateFormat.format(moment);
}

/** Today's date on the clinic's clocks, as YYYY-MM-DD. */
export function clinicToday(now: Date = new Date()): string {
  return dateToClinicLocal(now).slice(0, 10);
}

/** Whole hours from `now` until `iso` (negative once it has passed). */
export function hoursUntil(iso: string, now: Date = new Date()): number {
  return (new Date(iso).getTime() - now.getTime()) / 3_600_000;
}

