// Patient records (journal entries, prescriptions): written once and never edited, listed with
// the patient's own view or everyone's, read in a dialog, deleted by staff. The two kinds
// differ only in their fields and words, which each section gives here.

import { useMemo, useState, type ComponentType, type ReactNode } from 'react';
import type { ListLoader } from '../api/resources';
import type { User } from '../api/types';
import { fullName } from '../api/types';
import { can, canForAnyone, type Action } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { searchPatients } from '../components/pickers';
import { ResourceList } from '../components/ResourceList';
import { SearchSelect } from '../components/SearchSelect';
import type { Stream } from '../live/live';
import { formatDateTime } from '../lib/time';
import type { FieldProps } from '../lib/useForm';
import { PATIENT_NAME_FILTERS, SectionHead, useReload } from './listSection';
import { useAction } from './useAction';

/** The longest description or plan the server keeps (shared/src/records.rs). */
export const TEXT_MAX = 20_000;

export interface PatientRecord {
  id: number;
  user: User;
  created_at: string;
}

export interface RecordsKind<T extends PatientRecord> {
  /** The list's accessible name. */
  label: string;
  /** What one record is called in sentences: "journal entry". */
  noun: string;
  load: ListLoader<T>;
  stream: Stream;
  remove: (id: number) => Promise<unknown>;
  may: { list: Action; write: Action; remove: Action };
  /** The record's headline (its title when read, its name on its buttons) and how the list filters by it. */
  headline: { of: (item: T) => string; header: string; filter: string };
  /** Shown to a patient above their own records. */
  ownIntro?: string;
  emptyText: { own: string; all: string };
  writeLabel: string;
  Form: ComponentType<{ onDone: (written: T) => void; onCancel: () => void }>;
  /** The record's text below who and when, and whether it needs a wide dialog. */
  body: (item: T) => ReactNode;
  wideReading?: boolean;
}

/** What staff are told once a record is written. */
export function writtenMessage(noun: string, patient: User): string {
  return `The ${noun} for ${fullName(patient)} is saved; they have been told by e-mail.`;
}

/** The patient a record is for: fixed when written from their page, otherwise searched for. */
export function PatientChoice({ patient, field }: { patient?: User; field: FieldProps }) {
  const r = useApi();
  const search = useMemo(() => searchPatients(r), [r]);
  return patient ? (
    <p>
      Patient: <strong>{fullName(patient)}</strong>
    </p>
  ) : (
    <SearchSelect label="Patient" searchLabel="Search patients by surname" field={field} search={search} required />
  );
}

export function RecordsSection<T extends PatientRecord>({ kind }: { kind: RecordsKind<T> }) {
  const { me } = useSession();
  const [writing, setWriting] = useState(false);
  const [reading, setReading] = useState<T | null>(null);
  const { reloadKey, reload } = useReload();
  const action = useAction();
  if (!me) return null;
  const ownOnly = !canForAnyone(me.role, kind.may.list);
  const mayDelete = can(me.role, kind.may.remove);
  const headline = kind.headline.of;

  const remove = async (item: T) => {
    const ok = await action.run(() => kind.remove(item.id), {
      confirm: `Delete the ${kind.noun} “${headline(item)}” for ${fullName(item.user)}?`,
      success: `The ${kind.noun} is deleted.`,
    });
    if (ok) reload();
  };
  const Form = kind.Form;

  return (
    <>
      <SectionHead
        intro={ownOnly ? kind.ownIntro : undefined}
        create={can(me.role, kind.may.write) && { label: kind.writeLabel, onClick: () => setWriting(true) }}
        outcome={action.outcome}
      />
      <ResourceList<T>
        label={kind.label}
        load={kind.load}
        stream={kind.stream}
        reloadKey={reloadKey}
        filters={[{ name: kind.headline.filter, label: kind.headline.header }, ...(ownOnly ? [] : PATIENT_NAME_FILTERS)]}
        emptyText={ownOnly ? kind.emptyText.own : kind.emptyText.all}
        columns={[
          { header: 'Written', cell: (item) => formatDateTime(item.created_at) },
          ...(ownOnly ? [] : [{ header: 'Patient', cell: (item: T) => fullName(item.user) }]),
          { header: kind.headline.header, cell: headline },
        ]}
        rowActions={(item) => (
          <>
            <button type="button" className="button button--quiet button--small" onClick={() => setReading(item)}>
              Read<span className="visually-hidden"> {headline(item)}</span>
            </button>
            {mayDelete ? (
              <button type="button" className="button button--danger button--small" disabled={action.busy} onClick={() => remove(item)}>
                Delete<span className="visually-hidden"> {headline(item)}</span>
              </button>
            ) : null}
          </>
        )}
      />
      {reading ? (
        <Dialog title={headline(reading)} onClose={() => setReading(null)} wide={kind.wideReading}>
          <dl className="details-list">
            <dt>Patient</dt>
            <dd>{fullName(reading.user)}</dd>
            <dt>Written</dt>
            <dd>{formatDateTime(reading.created_at)}</dd>
          </dl>
          {kind.body(reading)}
        </Dialog>
      ) : null}
      {writing ? (
        <Dialog title={kind.writeLabel} onClose={() => setWriting(false)} wide>
          <Form
            onCancel={() => setWriting(false)}
            onDone={(written) => {
              setWriting(false);
              action.succeeded(writtenMessage(kind.noun, written.user));
              reload();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}
