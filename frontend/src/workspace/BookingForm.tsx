// Booking a patient for something at a time (a doctor visit, an examination): the patient, what
// they are booked for, and a time in the future; the clinic e-mails the patient once it is saved.

import { useMemo } from 'react';
import { useApi } from '../auth/session';
import { FormActions, FormMessage } from '../components/Field';
import { searchPatients } from '../components/pickers';
import { SearchSelect, type Choice } from '../components/SearchSelect';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import { clinicTimeForApi, DateTimeField, futureClinicTime } from './DateTimeField';

/** What the patient is booked for: its field as the API names it, and how to search for it. */
export interface BookingTarget<N extends string> {
  name: N;
  label: string;
  searchLabel: string;
  search: (text: string) => Promise<Choice[]>;
  hint?: string;
}

export function BookingForm<N extends string, R>({
  idPrefix,
  target,
  book,
  onDone,
  onCancel,
}: {
  idPrefix: string;
  target: BookingTarget<N>;
  book: (body: { user_id: number; date_time: string } & Record<N, number>) => Promise<R>;
  onDone: (booked: R) => void;
  onCancel: () => void;
}) {
  const r = useApi();
  type Key = 'user_id' | 'date_time' | N;
  const rules = useMemo(
    () => () => ({ user_id: v.required(() => null), [target.name]: v.required(() => null), date_time: futureClinicTime }) as Record<Key, v.Rule>,
    [target.name],
  );
  const form = useForm<Key>({ user_id: '', [target.name]: '', date_time: '' } as Record<Key, string>, rules, idPrefix);
  const patients = useMemo(() => searchPatients(r), [r]);

  const { busy, submit } = useSubmit(form, async () => {
    const body = {
      user_id: Number(form.values.user_id),
      [target.name]: Number(form.values[target.name]),
      date_time: clinicTimeForApi(form.values.date_time),
    } as { user_id: number; date_time: string } & Record<N, number>;
    onDone(await book(body));
  });

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <SearchSelect label="Patient" searchLabel="Search patients by surname" field={form.field('user_id')} search={patients} required />
      <SearchSelect
        label={target.label}
        searchLabel={target.searchLabel}
        field={form.field(target.name)}
        search={target.search}
        required
        hint={target.hint}
      />
      <DateTimeField label="Date and time" field={form.field('date_time')} />
      <FormActions busy={busy} label="Book and e-mail the patient" busyLabel="Booking…" onCancel={onCancel} />
    </form>
  );
}
