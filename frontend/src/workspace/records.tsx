// Patient records (journal entries, prescriptions, sick-leave certificates): written once and
// never edited, listed with the patient's own view or everyone's, read in a dialog (fetched
// anew, so that the clinic's audit trail records who read it), saved or printed as PDF, and
// deleted by staff where that is allowed. The kinds differ only in their fields and words, which
// each section gives here.

import { useEffect, useMemo, useState, type ComponentType, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { FileLoader, ListLoader } from '../api/resources';
import type { User } from '../api/types';
import { fullName } from '../api/types';
import { can, canForAnyone, type Action } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { PdfButtons } from '../components/FileButtons';
import { Notice } from '../components/Notice';
import { searchPatients } from '../components/pickers';
import { ResourceList, type Column } from '../components/ResourceList';
import { SearchSelect } from '../components/SearchSelect';
import { Spinner } from '../components/Spinner';
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
  /** One record, as the dialog that reads it shows it. */
  read: (id: number) => Promise<T>;
  stream: Stream;
  /** Deleting one, for kinds that may be deleted at all. */
  remove?: (id: number) => Promise<unknown>;
  may: { list: Action; write: Action; remove?: Action };
  /** The record's headline (its title when read, its name on its buttons) and how the list filters by it. */
  headline: { of: (item: T) => string; header: string; filter: string };
  /** The word for when it was written: "Written" unless said otherwise ("Issued"). */
  writtenLabel?: string;
  /** Columns after the headline. */
  columns?: Column<T>[];
  /** Facts shown when it is read, after the patient and when (pairs of <dt> and <dd>). */
  details?: (item: T) => ReactNode;
  /** Its PDF, and the name to save that under when the server gives none. */
  pdf: { load: (id: number) => FileLoader; fileName: (item: T) => string };
  /** Shown to a patient above their own records. */
  ownIntro?: string;
  emptyText: { own: string; all: string };
  writeLabel: string;
  Form: ComponentType<{ onDone: (written: T) => void; onCancel: () => void }>;
  /** The record's text below who and when, and whether it needs a wide dialog. */
  body: (item: T) => ReactNode;
  wideReading?: boolean;
}

/** The name a record's PDF is saved under when the server gives none: "journal-entry-12.pdf". */
export function pdfName(what: string, id: number): string {
  return `${what}-${id}.pdf`;
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

/** The fetched record in a dialog: who and when, its text, and its PDF. */
function ReadingDialog<T extends PatientRecord>({ kind, item, onClose }: { kind: RecordsKind<T>; item: T; onClose: () => void }) {
  const { read, noun } = kind;
  const [shown, setShown] = useState<T | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const headline = kind.headline.of(item);

  useEffect(() => {
    let cancelled = false;
    read(item.id).then(
      (found) => !cancelled && setShown(found),
      (error) => {
        if (cancelled) return;
        if (error instanceof ApiError && error.status === 404) setProblem(`This ${noun} no longer exists.`);
        else setProblem(error instanceof ApiError ? error.detail : `The ${noun} could not be loaded.`);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [read, noun, item.id]);

  return (
    <Dialog title={headline} onClose={onClose} wide={kind.wideReading}>
      {problem ? <Notice kind="error">{problem}</Notice> : null}
      {!shown && !problem ? <Spinner label={`Loading the ${noun}`} /> : null}
      {shown ? (
        <>
          <dl className="details-list">
            <dt>Patient</dt>
            <dd>{fullName(shown.user)}</dd>
            <dt>{kind.writtenLabel ?? 'Written'}</dt>
            <dd>{formatDateTime(shown.created_at)}</dd>
            {kind.details?.(shown)}
          </dl>
          {kind.body(shown)}
          <div className="form-actions">
            <PdfButtons load={kind.pdf.load(shown.id)} fileName={kind.pdf.fileName(shown)} of={headline} />
          </div>
        </>
      ) : null}
    </Dialog>
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
  const removeRecord = kind.remove;
  const mayDelete = removeRecord !== undefined && kind.may.remove !== undefined && can(me.role, kind.may.remove);
  const headline = kind.headline.of;

  const remove = async (item: T) => {
    if (!removeRecord) return;
    const ok = await action.run(() => removeRecord(item.id), {
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
          { header: kind.writtenLabel ?? 'Written', cell: (item) => formatDateTime(item.created_at) },
          ...(ownOnly ? [] : [{ header: 'Patient', cell: (item: T) => fullName(item.user) }]),
          { header: kind.headline.header, cell: headline },
          ...(kind.columns ?? []),
        ]}
        rowActions={(item) => (
          <>
            <button type="button" className="button button--quiet button--small" onClick={() => setReading(item)}>
              Read<span className="visually-hidden"> {headline(item)}</span>
            </button>
            <PdfButtons load={kind.pdf.load(item.id)} fileName={kind.pdf.fileName(item)} of={headline(item)} print={false} small />
            {mayDelete ? (
              <button type="button" className="button button--danger button--small" disabled={action.busy} onClick={() => remove(item)}>
                Delete<span className="visually-hidden"> {headline(item)}</span>
              </button>
            ) : null}
          </>
        )}
      />
      {reading ? <ReadingDialog kind={kind} item={reading} onClose={() => setReading(null)} /> : null}
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
