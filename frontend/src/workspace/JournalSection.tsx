// Patient journals. Entries are never edited (a correction is a new entry); doctors and staff
// write them, staff may delete one, patients read their own.

import type { JournalEntry, User } from '../api/types';
import { useApi } from '../auth/session';
import { FormActions, FormMessage, TextArea, TextField } from '../components/Field';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import { PatientChoice, pdfName, RecordsSection, TEXT_MAX } from './records';

const journalRules = () => ({
  user_id: v.required(() => null),
  diagnosis: v.textUpTo(100),
  description: v.textUpTo(TEXT_MAX),
  planning: v.textUpTo(TEXT_MAX),
});

export function JournalForm({
  patient,
  onDone,
  onCancel,
}: {
  patient?: User;
  onDone: (entry: JournalEntry) => void;
  onCancel: () => void;
}) {
  const r = useApi();
  const form = useForm(
    { user_id: patient ? String(patient.id) : '', diagnosis: '', description: '', planning: '' },
    journalRules,
    'journal',
  );
  const { busy, submit } = useSubmit(form, async () => {
    const entry = await r.writeJournal({
      user_id: Number(form.values.user_id),
      diagnosis: form.values.diagnosis,
      description: form.values.description,
      planning: form.values.planning,
    });
    onDone(entry);
  });

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <PatientChoice patient={patient} field={form.field('user_id')} />
      <TextField label="Diagnosis" field={form.field('diagnosis')} required hint="At most 100 characters." />
      <TextArea label="Description" field={form.field('description')} required rows={5} />
      <TextArea label="Planning" field={form.field('planning')} required rows={4} hint="Treatment, follow-up, advice." />
      <FormActions busy={busy} label="Save the entry" busyLabel="Saving…" onCancel={onCancel} />
    </form>
  );
}

export default function JournalSection() {
  const r = useApi();
  return (
    <RecordsSection<JournalEntry>
      kind={{
        label: 'Journal entries',
        noun: 'journal entry',
        load: r.journal,
        read: r.journalEntry,
        remove: r.deleteJournal,
        stream: 'patient_card',
        may: { list: 'ListJournalEntries', write: 'WriteJournalEntry', remove: 'DeleteJournalEntry' },
        headline: { of: (entry) => entry.diagnosis, header: 'Diagnosis', filter: 'diagnosis' },
        ownIntro: 'What your doctors have written about your care, newest last.',
        emptyText: { own: 'There are no journal entries for you yet.', all: 'No journal entries have been written yet.' },
        writeLabel: 'Write a journal entry',
        Form: JournalForm,
        pdf: { load: r.journalPdf, fileName: (entry) => pdfName('journal-entry', entry.id) },
        wideReading: true,
        body: (entry) => (
          <>
            <h3>Description</h3>
            <p className="prose-text">{entry.description}</p>
            <h3>Planning</h3>
            <p className="prose-text">{entry.planning}</p>
          </>
        ),
      }}
    />
  );
}
