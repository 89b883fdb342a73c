// What the pickers search: patients, doctors open for booking, examinations.

import type { Resources } from '../api/resources';
import { fullName, type StaffMember } from '../api/types';
import { addDays } from '../lib/dates';
import { clinicToday, formatDate } from '../lib/time';
import type { Choice } from './SearchSelect';

const MAX = 25;

export function searchPatients(r: Resources) {
  return async (text: string): Promise<Choice[]> => {
    const page = await r.patients({ icontains_surname: text, size: MAX });
    return page.data.map((user) => ({
      value: String(user.id),
      label: `${user.profile.surname}, ${user.profile.name} — born ${formatDate(user.profile.date_of_birth)}${user.email ? ` (${user.email})` : ''}`,
    }));
  };
}

/** Doctors who can be booked: active and open for booking. The value is the doctor's user id. */
export function searchBookableDoctors(r: Resources) {
  return async (text: string): Promise<Choice[]> => {
    const page = await r.doctors({ icontains_surname: text, size: MAX });
    return page.data
      .filter((doctor) => doctor.is_available_for_booking && doctor.user.is_active !== false)
      .map((doctor) => ({
        value: String(doctor.user.id),
        label: `Dr ${fullName(doctor.user)}${doctor.specialty ? ` — ${doctor.specialty}` : ''}`,
      }));
  };
}

export function searchDiagnostics(r: Resources) {
  return async (text: string): Promise<Choice[]> => {
    const page = await r.diagnostics({ modality: text, size: MAX });
    return page.data.map((diagnostic) => ({ value: String(diagnostic.id), label: diagnostic.modality }));
  };
}

/** How far ahead the booking dialog looks for a doctor's next free times. */
export const FREE_TIMES_DAYS = 14;

/** A doctor's next free slots (their usual length), from today's clinic date on. */
export function nextFreeSlots(r: Resources) {
  return async (doctorId: number) => {
    const today = clinicToday();
    const answer = await r.freeSlots({ doctor_id: doctorId, date_from: today, date_to: addDays(today, FREE_TIMES_DAYS - 1) });
    return answer.doctors.flatMap((entry) => entry.slots).sort((a, b) => a.start.localeCompare(b.start));
  };
}

/** Every doctor, open for booking or not (the calendar shows their visits either way). */
export async function allDoctors(r: Resources, maxPages = 20): Promise<StaffMember[]> {
  const doctors: StaffMember[] = [];
  for (let page = 1; page <= maxPages; page += 1) {
    const answer = await r.doctors({ page, size: MAX });
    doctors.push(...answer.data);
    if (!answer.next) break;
  }
  return doctors;
}
