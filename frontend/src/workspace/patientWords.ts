// The server words its refusals for the clinic's staff ("This patient already has a booking for
// this modality."). When patients act for themselves, those sentences are said to them in their
// own words instead; anything else the server says is shown as it is.

import type { ApiError } from '../api/client';

/** The server's sentences (in the functions' lib.rs files) and what a patient is told instead. */
const FOR_PATIENTS: Record<string, string> = {
  'This patient already has a booking for this modality.':
    'You already have a booking for this examination. You can find it under My examinations.',
  'This patient has diagnostic bookings. Delete them before deleting the account.':
    'Your account cannot be deleted while you have examinations booked. Please contact the clinic.',
  'This patient has booked doctor visits. Cancel them before deleting the account.':
    'Your account cannot be deleted while you have visits booked. Cancel them under My visits first.',
  'This patient has journal entries or prescriptions, which the clinic must keep. Block the account instead.':
    'Your account cannot be deleted, because the clinic must keep your journal and prescriptions. Please contact the clinic to close it.',
  'This patient has sick-leave certificates, which the clinic must keep. Block the account instead.':
    'Your account cannot be deleted, because the clinic must keep your sick-leave certificates. Please contact the clinic to close it.',
};

/** A refusal as a patient should read it, or null when the server's words will do. */
export function forPatient(error: ApiError): string | null {
  return FOR_PATIENTS[error.detail] ?? null;
}
