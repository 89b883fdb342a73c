// One patient's chart: who they are, their journal (newest first), prescriptions, sick-leave
// certificates, doctor visits and diagnostic bookings, each part shown only to those who may read
// it (auth/permissions.ts: a pharmacist reads no journal, no sick leave and no bookings), each
// record with its PDF. Reached from the doctor's day, the patient list and the visit lists; what
// the caller may do for the patient (staff: export everything held on them) is offered at the top.

import { useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import type { ListLoader } from '../api/resources';
import type { DiagnosticBooking, DoctorVisit, JournalEntry, Prescription, SickLeave, User } from '../api/types';
import { canForAnyone, type Action } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { PdfButtons } from '../components/FileButtons';
import { Notice } from '../components/Notice';
import { Spinner } from '../components/Spinner';
import type { Stream } from '../live/live';
import { formatDateTime } from '../lib/time';
import { ExportButtons } from './ExportButtons';
import { OutcomeNotice, useReload } from './listSection';
import { PatientActionDialog, patientActionsFor, type PatientMode } from './PatientsSection';
import { nothingRead, readPatientRows } from './patientRows';
import { UserFacts } from './people';
import { pdfName } from './records';
import { formatPeriod, signingDoctor } from './sickLeaveModel';
import { useAction } from './useAction';
import './PatientChart.css';

/** How many rows each part shows at first, and how many more each "Show more" adds. */
export const CHART_STEP = 10;

const LIVE_RELOAD_DELAY_MS = 250;

interface PartProps<T> {
  id: string;
  title: string;
  /** What the part's rows are called in "Show more …". */
  plural: string;
  load: ListLoader<T>;
  order: string;
  patient: User;
  stream: Stream;
  reloadKey: number;
  emptyText: string;
  render: (item: T) => ReactNode;
}

/** One part of the chart: the patient's rows of one list, newest first, a few at a time. */
function ChartPart<T extends { id: number; user: { id: number } }>(props: PartProps<T>) {
  const { id, title, plural, load, order, patient, stream, reloadKey, emptyText, render } = props;
  const { live } = useSession();
  const [fresh, setFresh] = useState(0);
  // A change anywhere (a save here, a push over the socket) starts the part from its top again.
  const key = `${patient.id}:${reloadKey}:${fresh}`;
  const [state, setState] = useState({ key, read: nothingRead<T>(), limit: CHART_STEP });
  const [error, setError] = useState<string | null>(null);
  if (state.key !== key) setState({ key, read: nothingRead<T>(), limit: CHART_STEP });
  const { read, limit } = state;
  const loading = !error && read.rows.length < limit && read.nextPage !== null;

  useEffect(() => {
    if (read.rows.length >= limit || read.nextPage === null) return;
    let cancelled = false;
    readPatientRows(load, { order }, patient, read, limit).then(
      (next) => {
        if (cancelled) return;
        setState((current) => (current.key === key ? { ...current, read: next } : current));
        setError(null);
      },
      (caught) => {
        if (!cancelled) setError(caught instanceof ApiError ? caught.detail : 'This part of the chart could not be loaded.');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [load, order, patient, read, limit, key]);

  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = live.on(stream, () => {
      clearTimeout(timer);
      timer = setTimeout(() => setFresh((tick) => tick + 1), LIVE_RELOAD_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [live, stream]);

  const shown = read.rows.slice(0, limit);
  const more = read.rows.length > limit || read.nextPage !== null;
  const done = !loading && !error;
  return (
    <section className="chart__part" aria-labelledby={id} aria-busy={loading}>
      <h2 id={id}>{title}</h2>
      {error ? (
        <Notice kind="error">
          <p>{error}</p>
          <button
            type="button"
            className="button button--quiet"
            onClick={() => {
              setError(null);
              setFresh((tick) => tick + 1);
            }}
          >
            Try again
          </button>
        </Notice>
      ) : null}
      {shown.length > 0 ? (
        <ul className="chart__list">
          {shown.map((item) => (
            <li key={item.id}>{render(item)}</li>
          ))}
        </ul>
      ) : null}
      {done && shown.length === 0 ? <p className="chart__empty">{emptyText}</p> : null}
      {loading ? <Spinner label={`Loading ${title.toLowerCase()}`} /> : null}
      {done && more ? (
        <button type="button" className="button button--quiet button--small" onClick={() => setState((current) => ({ ...current, limit: current.limit + CHART_STEP }))}>
          Show more {plural}
        </button>
      ) : null}
    </section>
  );
}

/** A record's PDF, under the record in the chart. */
function ChartFiles(props: Parameters<typeof PdfButtons>[0]) {
  return (
    <div className="chart__files">
      <PdfButtons {...props} small />
    </div>
  );
}

function JournalItem({ entry }: { entry: JournalEntry }) {
  const r = useApi();
  return (
    <article className="chart__entry">
      <h3>{entry.diagnosis}</h3>
      <p className="chart__meta">Written {formatDateTime(entry.created_at)}</p>
      <dl className="chart__text">
        <dt>Description</dt>
        <dd className="prose-text">{entry.description}</dd>
        <dt>Planning</dt>
        <dd className="prose-text">{entry.planning}</dd>
      </dl>
      <ChartFiles load={r.journalPdf(entry.id)} fileName={pdfName('journal-entry', entry.id)} of={`the journal entry ${entry.diagnosis}`} />
    </article>
  );
}

function PrescriptionItem({ item }: { item: Prescription }) {
  const r = useApi();
  return (
    <article className="chart__entry">
      <h3>{item.recipe}</h3>
      <p className="chart__meta">Written {formatDateTime(item.created_at)}</p>
      <p className="prose-text">{item.description}</p>
      <ChartFiles load={r.prescriptionPdf(item.id)} fileName={pdfName('prescription', item.id)} of={`the prescription ${item.recipe}`} />
    </article>
  );
}

function SickLeaveItem({ certificate }: { certificate: SickLeave }) {
  const r = useApi();
  return (
    <article className="chart__entry">
      <h3>{certificate.diagnosis}</h3>
      <p className="chart__meta">
        {formatPeriod(certificate)} · {signingDoctor(certificate)}
      </p>
      {certificate.notes ? <p className="prose-text">{certificate.notes}</p> : null}
      <ChartFiles
        load={r.sickLeavePdf(certificate.id)}
        fileName={pdfName('sick-leave', certificate.id)}
        of={`the sick-leave certificate ${certificate.diagnosis}`}
      />
    </article>
  );
}

function VisitItem({ visit }: { visit: DoctorVisit }) {
  const r = useApi();
  return (
    <>
      <p className="chart__line">
        <span>{formatDateTime(visit.date_time)}</span>
        <span>
          Dr {visit.doctor.name} {visit.doctor.surname}
          {visit.doctor.specialty ? ` · ${visit.doctor.specialty}` : ''}
          {visit.duration_minutes ? ` · ${visit.duration_minutes} min` : ''}
        </span>
        {visit.status === 'booked' ? <span className="badge badge--ok">Booked</span> : <span className="badge badge--danger">Cancelled</span>}
      </p>
      <ChartFiles load={r.visitPdf(visit.id)} fileName={pdfName('visit', visit.id)} of={`the visit on ${formatDateTime(visit.date_time)}`} />
    </>
  );
}

function BookingItem({ booking }: { booking: DiagnosticBooking }) {
  return (
    <p className="chart__line">
      <span>{booking.date_time ? formatDateTime(booking.date_time) : <span className="badge badge--warn">Waiting for a time</span>}</span>
      <span>{booking.diagnostic_service.modality}</span>
    </p>
  );
}

/** Which parts of a chart the caller's role may read. */
export function chartPartsFor(role: Parameters<typeof canForAnyone>[0]) {
  const may = (action: Action) => canForAnyone(role, action);
  return {
    journal: may('ListJournalEntries'),
    prescriptions: may('ListPrescriptions'),
    sickLeave: may('ListSickLeaves'),
    visits: may('ListDoctorVisits'),
    bookings: may('ListDiagnosticBookings'),
  };
}

export default function PatientChart() {
  const r = useApi();
  const { me } = useSession();
  const { patientId } = useParams();
  const [patient, setPatient] = useState<User | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [open, setOpen] = useState<PatientMode | null>(null);
  const { reloadKey, reload } = useReload();
  const action = useAction();
  const id = Number(patientId);

  useEffect(() => {
    let cancelled = false;
    setPatient(null);
    setProblem(null);
    if (!Number.isInteger(id) || id < 1) {
      setProblem('There is no such patient.');
      return;
    }
    r.patient(id).then(
      (found) => !cancelled && setPatient(found),
      (error) => {
        if (cancelled) return;
        setProblem(error instanceof ApiError && error.status === 404 ? 'There is no such patient.' : 'The chart could not be loaded.');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [r, id]);

  if (!me) return null;
  if (problem) {
    return (
      <>
        <h1>Patient chart</h1>
        <Notice kind="error">
          <p>{problem}</p>
          <p>
            <Link to="/workspace/patients">Back to the patients</Link>
          </p>
        </Notice>
      </>
    );
  }
  if (!patient) {
    return (
      <>
        <h1>Patient chart</h1>
        <Spinner label="Loading the chart" />
      </>
    );
  }
  const parts = chartPartsFor(me.role);
  const actions = patientActionsFor(me.role);
  const mayExport = canForAnyone(me.role, 'ExportPatientData');
  const name = `${patient.profile.name} ${patient.profile.surname}`;
  return (
    <div className="chart">
      <p className="chart__kicker">Patient chart</p>
      <h1>{name}</h1>
      {actions.length || mayExport ? (
        <div className="workspace__toolbar">
          {actions.map((item) => (
            <button key={item.mode} type="button" className="button" onClick={() => setOpen(item.mode)}>
              {item.label}
            </button>
          ))}
          {mayExport ? <ExportButtons patient={patient} /> : null}
        </div>
      ) : null}
      <OutcomeNotice outcome={action.outcome} />
      <section className="chart__part" aria-labelledby="chart-identity">
        <h2 id="chart-identity">Identity</h2>
        <UserFacts user={patient} />
      </section>
      <div className="chart__parts">
        {parts.journal ? (
          <ChartPart<JournalEntry>
            id="chart-journal"
            title="Journal"
            plural="journal entries"
            load={r.journal}
            order="-id"
            patient={patient}
            stream="patient_card"
            reloadKey={reloadKey}
            emptyText="No journal entries yet."
            render={(entry) => <JournalItem entry={entry} />}
          />
        ) : null}
        {parts.prescriptions ? (
          <ChartPart<Prescription>
            id="chart-prescriptions"
            title="Prescriptions"
            plural="prescriptions"
            load={r.prescriptions}
            order="-id"
            patient={patient}
            stream="patient_recipe"
            reloadKey={reloadKey}
            emptyText="No prescriptions yet."
            render={(item) => <PrescriptionItem item={item} />}
          />
        ) : null}
        {parts.sickLeave ? (
          <ChartPart<SickLeave>
            id="chart-sick-leave"
            title="Sick leave"
            plural="certificates"
            load={r.sickLeaves}
            order="-id"
            patient={patient}
            stream="sick_leave"
            reloadKey={reloadKey}
            emptyText="No sick-leave certificates."
            render={(certificate) => <SickLeaveItem certificate={certificate} />}
          />
        ) : null}
        {parts.visits ? (
          <ChartPart<DoctorVisit>
            id="chart-visits"
            title="Doctor visits"
            plural="visits"
            load={r.visits}
            order="-date_time"
            patient={patient}
            stream="booking_doctor"
            reloadKey={reloadKey}
            emptyText="No doctor visits."
            render={(visit) => <VisitItem visit={visit} />}
          />
        ) : null}
        {parts.bookings ? (
          <ChartPart<DiagnosticBooking>
            id="chart-bookings"
            title="Diagnostic bookings"
            plural="bookings"
            load={r.diagnosticBookings}
            order="-date_time"
            patient={patient}
            stream="booking_diagnostic"
            reloadKey={reloadKey}
            emptyText="No diagnostic bookings."
            render={(booking) => <BookingItem booking={booking} />}
          />
        ) : null}
      </div>
      {open ? (
        <PatientActionDialog
          patient={patient}
          mode={open}
          onClose={() => setOpen(null)}
          onDone={(message) => {
            setOpen(null);
            action.succeeded(message);
            reload();
          }}
        />
      ) : null}
    </div>
  );
}
