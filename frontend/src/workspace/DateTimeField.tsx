// A date and time on the clinic's clocks (CLINIC_TZ), whatever the browser's own zone is.

import { CLINIC_TZ } from '../config';
import { TextField } from '../components/Field';
import type { FieldProps } from '../lib/useForm';
import { clinicLocalToDate, dateToClinicLocal } from '../lib/time';
import { REQUIRED, type Rule } from '../lib/validate';

/** A future time that exists on the clinic's clocks. */
export const futureClinicTime: Rule = (value) => {
  if (!value.trim()) return REQUIRED;
  const moment = clinicLocalToDate(value);
  if (!moment) return 'That time does not exist in the clinic’s time zone (the clocks skip it), or is not a date and time.';
  return moment.getTime() > Date.now() ? null : 'Choose a date and time in the future.';
};

/** The value to send: the moment in UTC, so the server and the form agree whatever their zones. */
export function clinicTimeForApi(value: string): string {
  const moment = clinicLocalToDate(value);
  return moment ? moment.toISOString() : value;
}

export function DateTimeField({ label, field }: { label: string; field: FieldProps }) {
  return (
    <TextField
      label={label}
      type="datetime-local"
      field={field}
      required
      min={dateToClinicLocal(new Date())}
      hint={`Clinic time (${CLINIC_TZ.replace('_', ' ')}).`}
    />
  );
}
