// Prescriptions: pharmacists and staff write them, staff may delete one, patients read their own.

import { useMemo, useState, type FormEvent } from 'react';
import type { Prescription, User } from '../api/types';
import { fullName } from '../api/types';
import { can, canForAnyone } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { FormMessage, TextArea, TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { searchPatients } from '../components/pickers';
import { ResourceList } from '../components/ResourceList';
import { SearchSelect } from '../components/SearchSelect';
import { formatDateTime } from '../lib/time';
import { useForm } from '../lib/useForm';
import * as v from '../lib/validate';
import { useAction } from './useAction';

/** The longest description or plan the server keeps (shared/src/records.rs). */
const TEXT_MAX = 20_000;

const rules = () => ({
  user_id: v.required(() => null),
  recipe: v.textUpTo(100),
  description: v.textUpTo(TEXT_MAX),
});

export function PrescriptionForm({ patient, onDone, onCancel }: { patient?: User; onDone: () => void; onCancel: () => void }) {
  const r = useApi();
  const form = useForm({ user_id: patient ? String(patient.id) : '', recipe: '', description: '' }, rules, 'prescription');
  const [busy, setBusy] = useState(false);
  const search = useMemo(() => searchPatients(r), [r]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.validate()) return;
    setBusy(true);
    try {
      await r.writePrescription({
        user_id: Number(form.values.user_id),
        recipe: form.values.recipe,
        description: form.values.description,
      });
      onDone();
    } catch (error) {
      form.showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      {patient ? (
        <p>
          Patient: <strong>{fullName(patient)}</strong>
        </p>
      ) : (
        <SearchSelect label="Patient" searchLabel="Search patients by surname" field={form.field('user_id')} search={search} required />
      )}
      <TextField label="Medicine" field={form.field('recipe')} required hint="Name and strength, at most 100 characters." />
      <TextArea label="Dosage and instructions" field={form.field('description')} required rows={4} />
      <div className="form-actions">
        <button className="button" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save the prescription'}
        </button>
        <button className="button button--quiet" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export default function PrescriptionsSection() {
  const r = useApi();
  const { me } = useSession();
  const [writing, setWriting] = useState(false);
  const [reading, setReading] = useState<Prescription | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const action = useAction();
  if (!me) return null;
  const ownOnly = !canForAnyone(me.role, 'ListPrescriptions');
  const mayDelete = can(me.role, 'DeletePrescription');

  const remove = async (item: Prescription) => {
    const ok = await action.run(() => r.deletePrescription(item.id), {
      confirm: `Delete the prescription “${item.recipe}” for ${fullName(item.user)}?`,
      success: 'The prescription is deleted.',
    });
    if (ok) setReloadKey((key) => key + 1);
  };

  return (
    <>
      {can(me.role, 'WritePrescription') ? (
        <div className="workspace__toolbar">
          <button type="button" className="button" onClick={() => setWriting(true)}>
            Write a prescription
          </button>
        </div>
      ) : null}
      {action.outcome ? <Notice kind={action.outcome.kind}>{action.outcome.text}</Notice> : null}
      <ResourceList<Prescription>
        label="Prescriptions"
        load={r.prescriptions}
        stream="patient_recipe"
        reloadKey={reloadKey}
        filters={[
          { name: 'recipe', label: 'Medicine' },
          ...(ownOnly
            ? []
            : [
                { name: 'patient_name', label: 'Patient’s first name' },
                { name: 'patient_surname', label: 'Patient’s surname' },
              ]),
        ]}
        emptyText={ownOnly ? 'You have no prescriptions yet.' : 'No prescriptions have been written yet.'}
        columns={[
          { header: 'Written', cell: (item) => formatDateTime(item.created_at) },
          ...(ownOnly ? [] : [{ header: 'Patient', cell: (item: Prescription) => fullName(item.user) }]),
          { header: 'Medicine', cell: (item) => item.recipe },
        ]}
        rowActions={(item) => (
          <>
            <button type="button" className="button button--quiet button--small" onClick={() => setReading(item)}>
              Read<span className="visually-hidden"> {item.recipe}</span>
            </button>
            {mayDelete ? (
              <button type="button" className="button button--danger button--small" disabled={action.busy} onClick={() => remove(item)}>
                Delete<span className="visually-hidden"> {item.recipe}</span>
              </button>
            ) : null}
          </>
        )}
      />
      {reading ? (
        <Dialog title={reading.recipe} onClose={() => setReading(null)}>
          <dl className="details-list">
            <dt>Patient</dt>
            <dd>{fullName(reading.user)}</dd>
            <dt>Written</dt>
            <dd>{formatDateTime(reading.created_at)}</dd>
          </dl>
          <h3>Dosage and instructions</h3>
          <p className="prose-text">{reading.description}</p>
        </Dialog>
      ) : null}
      {writing ? (
        <Dialog title="Write a prescription" onClose={() => setWriting(false)} wide>
          <PrescriptionForm
            onCancel={() => setWriting(false)}
            onDone={() => {
              setWriting(false);
              setReloadKey((key) => key + 1);
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}
