// One patient's rows of a list that can only be filtered by the patient's name (journals,
// prescriptions, visits, bookings: API.md names no patient id filter for them). The name
// filters narrow the list to the patient and their namesakes; the namesakes' rows are dropped
// here by the patient's id, reading on until enough of the patient's own are found.

import { ApiError, type Query } from '../api/client';
import type { ListLoader } from '../api/resources';
import type { User } from '../api/types';

/** The API's largest page. */
export const PAGE_MAX = 25;

export interface PatientRows<T> {
  rows: T[];
  /** The next page to read, or null when the list is read to its end. */
  nextPage: number | null;
}

/** Where reading a patient's rows starts. */
export function nothingRead<T>(): PatientRows<T> {
  return { rows: [], nextPage: 1 };
}

/**
 * Reads on from `read.nextPage` (whole pages, so that no row is skipped) until at least `want`
 * of `patient`'s rows are known or the list ends.
 */
export async function readPatientRows<T extends { user: { id: number } }>(
  load: ListLoader<T>,
  query: Query,
  patient: User,
  read: PatientRows<T>,
  want: number,
): Promise<PatientRows<T>> {
  const rows = [...read.rows];
  let nextPage = read.nextPage;
  while (nextPage !== null && rows.length < want) {
    const page = await load({
      ...query,
      patient_name: patient.profile.name,
      patient_surname: patient.profile.surname,
      page: nextPage,
      size: PAGE_MAX,
    }).catch((error) => {
      // Rows deleted since the page before was read: the list now ends earlier.
      if (error instanceof ApiError && error.status === 404 && nextPage !== 1) return null;
      throw error;
    });
    if (page === null) {
      nextPage = null;
      break;
    }
    rows.push(...page.data.filter((row) => row.user.id === patient.id));
    nextPage = page.next ? nextPage + 1 : null;
  }
  return { rows, nextPage };
}
