// What the pickers search: patients, doctors open for booking, examinations.

import type { Resources } from '../api/resources';
import { fullName } from '../api/types';
import { formatDate } from '../lib/time';
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
