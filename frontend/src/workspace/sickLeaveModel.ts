// Sick-leave certificates (API.md "Sick-leave certificates"): the server's rules for a new one,
// checked as the doctor types, and how a certificate's period and doctor are said.

import type { SickLeave } from '../api/types';
import { addDays } from '../lib/dates';
import { formatDate } from '../lib/time';
import * as v from '../lib/validate';

/** A certificate's last day is at most this many days after its first. */
export const MAX_DAYS_APART = 365;
/** A certificate may start at most this many days before the day it is issued. */
export const MAX_DAYS_BACK = 30;
export const DIAGNOSIS_MAX = 100;
export const NOTES_MAX = 2000;

export type SickLeaveField = 'user_id' | 'date_from' | 'date_to' | 'diagnosis' | 'notes';

/** Whole days from one clinic date to another. */
export function daysApart(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

const REAL_DATE = 'Enter a real date as YYYY-MM-DD.';

/** The rules of a new certificate issued on `today` (a clinic date). */
export function sickLeaveRules(today: string) {
  return (values: Record<SickLeaveField, string>): Record<SickLeaveField, v.Rule> => ({
    user_id: v.required(() => null),
    date_from: v.required((value) => {
      if (!v.isRealDate(value)) return REAL_DATE;
      return value < addDays(today, -MAX_DAYS_BACK) ? `The first day can be at most ${MAX_DAYS_BACK} days ago.` : null;
    }),
    date_to: v.required((value) => {
      if (!v.isRealDate(value)) return REAL_DATE;
      if (!v.isRealDate(values.date_from)) return null;
      if (value < values.date_from) return 'The last day cannot be before the first.';
      return daysApart(values.date_from, value) > MAX_DAYS_APART ? `The last day can be at most ${MAX_DAYS_APART} days after the first.` : null;
    }),
    diagnosis: v.textUpTo(DIAGNOSIS_MAX),
    notes: v.optional(v.textUpTo(NOTES_MAX)),
  });
}

/** "7 Dec 2026 – 20 Dec 2026 (14 days)", both days included. */
export function formatPeriod(certificate: Pick<SickLeave, 'date_from' | 'date_to'>): string {
  const days = daysApart(certificate.date_from, certificate.date_to) + 1;
  const span =
    certificate.date_from === certificate.date_to
      ? formatDate(certificate.date_from)
      : `${formatDate(certificate.date_from)} – ${formatDate(certificate.date_to)}`;
  return `${span} (${days} ${days === 1 ? 'day' : 'days'})`;
}

/** The signing doctor as the certificate names them: "Dr Erik Nyström · Cardiology". */
export function signingDoctor(certificate: Pick<SickLeave, 'doctor'>): string {
  const { name, surname, specialty } = certificate.doctor;
  return `Dr ${name} ${surname}${specialty ? ` · ${specialty}` : ''}`;
}
