// Patient journals. Entries are never edited (a correction is a new entry); doctors and staff
// write them, staff may delete one, patients read their own.

import { useMemo, useState, type FormEvent } from 'react';
import type { JournalEntry, User } from '../api/types';
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

const journalRules = () => ({
  user_id: v.required(() => null),
  diagnosis: v.textUpTo(100),
  description: v.textUpTo(TEXT_MAX),
  planning: v.textUpTo(TEXT_MAX),
});

export function JournalForm({ patient, onDone, onCancel }: { patient?: User; onDone: () => void; onCancel: () => void }) {
  const r = useApi();
  const form = useForm(
    { user_id: patient ? String(patient.id) : '', diagnosis: '', description: '', planning: '' },
    journalRules,
    'journal',
  );
  const [busy, setBusy] = useState(false);
  const search = useMemo(() => searchPatients(r), [r]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.validate()) return;
    setBusy(true);
    try {
      await r.writeJournal({
        user_id: Number(form.values.user_id),
        diagnosis: form.values.diagnosis,
        description: form.values.description,
        planning: form.values.planning,
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
      <TextField label="Diagnosis" field={form.field('diagnosis')} required hint="At most 100 characters." />
      <TextArea label="Description" field={form.field('description')} required rows={5} />
      <TextArea label="Planning" field={form.field('planning')} required rows={4} hint="Treatment, follow-up, advice." />
      <div className="form-actions">
        <button className="button" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save the entry'}
        </button>
        <button className="button button--quiet" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export default function JournalSection() {
  const r = useApi();
  const { me } = useSession();
  const [writing, setWriting] = useState(false);
  const [reading, setReading] = useState<JournalEntry | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const action = useAction();
  if (!me) return null;
  const ownOnly = !canForAnyone(me.role, 'ListJournalEntries');
  const mayDelete = can(me.role, 'DeleteJournalEntry');

  const remove = async (entry: JournalEntry) => {
    const ok = await action.run(() => r.deleteJournal(entry.id), {
      confirm: `Delete the journal entry “${entry.diagnosis}” for ${fullName(entry.user)}?`,
      success: 'The journal entry is deleted.',
    });
    if (ok) setReloadKey((key) => key + 1);
  };

  return (
    <>
      {ownOnly ? <p className="workspace__intro">What your doctors have written about your care, newest last.</p> : null}
      {can(me.role, 'WriteJournalEntry') ? (
        <div className="workspace__toolbar">
          <button type="button" className="button" onClick={() => setWriting(true)}>
            Write a journal entry
          </button>
        </div>
      ) : null}
      {action.outcome ? <Notice kind={action.outcome.kind}>{action.outcome.text}</Notice> : null}
      <ResourceList<JournalEntry>
        label="Journal entries"
        load={r.journal}
        stream="patient_card"
        reloadKey={reloadKey}
        filters={[
          { name: 'diagnosis', label: 'Diagnosis' },
          ...(ownOnly
            ? []
            : [
                { name: 'patient_name', label: 'Patient’s first name' },
                { name: 'patient_surname', label: 'Patient’s surname' },
              ]),
        ]}
        emptyText={ownOnly ? 'There are no journal entries for you yet.' : 'No journal entries have been written yet.'}
        columns={[
          { header: 'Written', cell: (entry) => formatDateTime(entry.created_at) },
          ...(ownOnly ? [] : [{ header: 'Patient', cell: (entry: JournalEntry) => fullName(entry.user) }]),
          { header: 'Diagnosis', cell: (entry) => entry.diagnosis },
        ]}
        rowActions={(entry) => (
          <>
            <button type="button" className="button button--quiet button--small" onClick={() => setReading(entry)}>
              Read<span className="visually-hidden"> {entry.diagnosis}</span>
            </button>
            {mayDelete ? (
              <button type="button" className="button button--danger button--small" disabled={action.busy} onClick={() => remove(entry)}>
                Delete<span className="visually-hidden"> {entry.diagnosis}</span>
              </button>
            ) : null}
          </>
        )}
      />
      {reading ? (
        <Dialog title={reading.diagnosis} onClose={() => setReading(null)} wide>
          <dl className="details-list">
            <dt>Patient</dt>
            <dd>{fullName(reading.user)}</dd>
            <dt>Written</dt>
            <dd>{formatDateTime(reading.created_at)}</dd>
          </dl>
          <h3>Description</h3>
          <p className="prose-text">{reading.description}</p>
          <h3>Planning</h3>
          <p className="prose-text">{reading.planning}</p>
        </Dialog>
      ) : null}
      {writing ? (
        <Dialog title="Write a journal entry" onClose={() => setWriting(false)} wide>
          <JournalForm
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
