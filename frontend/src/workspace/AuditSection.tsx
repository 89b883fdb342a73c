// The audit trail: every read, write and export of patients' records. Staff search all of it;
// a patient sees who has read their record, newest first.

import { useCallback, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { Query } from '../api/client';
import type { AuditEvent } from '../api/types';
import { canForAnyone } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { ResourceList, type FilterDef } from '../components/ResourceList';
import { formatDateTime } from '../lib/time';
import { ACTION_LABELS, auditRole, auditWhat, auditWho, RECORD_LABELS } from './auditWords';
import { chartPath } from './PatientLink';
import './AuditSection.css';

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

const RECORD_FILTER: FilterDef = { name: 'record', label: 'Record', type: 'select', options: options(RECORD_LABELS) };
const DATE_FILTERS: FilterDef[] = [
  { name: 'date_from', label: 'From', type: 'date' },
  { name: 'date_to', label: 'Until', type: 'date' },
];

const STAFF_FILTERS: FilterDef[] = [
  { name: 'patient_id', label: 'Patient (user id)', type: 'number' },
  { name: 'actor_id', label: 'Reader (user id)', type: 'number' },
  { name: 'action', label: 'Action', type: 'select', options: options(ACTION_LABELS) },
  RECORD_FILTER,
  ...DATE_FILTERS,
];

const NEWEST_FIRST = { order: '-id' };
const ORDERS = [
  { value: '-id', label: 'Newest first' },
  { value: 'id', label: 'Oldest first' },
];

/** How many of an event's patients are named before "and n more". */
const PATIENTS_SHOWN = 5;

function Who({ event, viewerId, withId }: { event: AuditEvent; viewerId: number; withId?: boolean }) {
  const who = auditWho(event, viewerId);
  // One element, so that on a phone the role stays under the name, beside the column's label.
  return (
    <span>
      {who}
      {who === 'You' ? null : (
        <span className="audit__role">
          {auditRole(event)}
          {withId && event.actor.id !== null ? ` · user #${event.actor.id}` : ''}
        </span>
      )}
    </span>
  );
}

function Patients({ ids }: { ids: number[] }): ReactNode {
  if (ids.length === 0) return '—';
  const more = ids.length - PATIENTS_SHOWN;
  return (
    <span>
      {ids.slice(0, PATIENTS_SHOWN).map((id, index) => (
        <span key={id}>
          {index > 0 ? ', ' : null}
          <Link to={chartPath(id)} aria-label={`Patient #${id}`}>
            #{id}
          </Link>
        </span>
      ))}
      {more > 0 ? ` and ${more} more` : null}
    </span>
  );
}

export default function AuditSection() {
  const r = useApi();
  const { me } = useSession();
  const ownOnly = !me || !canForAnyone(me.role, 'ListAuditEvents');
  // A patient's trail is always newest first; staff choose.
  const load = useCallback((query: Query) => r.audit(ownOnly ? { ...query, ...NEWEST_FIRST } : query), [r, ownOnly]);
  if (!me) return null;
  const viewerId = me.id;

  if (ownOnly) {
    return (
      <>
        <p className="workspace__intro">
          Everyone at the clinic who has opened your journal, prescriptions, sick-leave certificates, visit summaries or
          profile, newest first. Every read is recorded, and no one can change or remove these records.
        </p>
        <ResourceList<AuditEvent>
          label="Who has read my record"
          load={load}
          filters={[{ ...RECORD_FILTER, label: 'What' }, ...DATE_FILTERS]}
          emptyText="No one at the clinic has read your record yet."
          columns={[
            { header: 'When', cell: (event) => formatDateTime(event.at) },
            { header: 'Who', cell: (event) => <Who event={event} viewerId={viewerId} /> },
            { header: 'What', cell: (event) => auditWhat(event, 'patient') },
          ]}
        />
      </>
    );
  }

  return (
    <>
      <p className="workspace__intro">
        Every read, write and export of patients’ records: who, when, from where and which patients it showed. The
        trail cannot be changed.
      </p>
      <ResourceList<AuditEvent>
        label="Audit trail"
        load={load}
        initialSize={15}
        defaults={NEWEST_FIRST}
        filters={STAFF_FILTERS}
        orders={ORDERS}
        emptyText="Nothing has been recorded yet."
        columns={[
          { header: 'When', cell: (event) => formatDateTime(event.at) },
          { header: 'Who', cell: (event) => <Who event={event} viewerId={viewerId} withId /> },
          { header: 'What', cell: (event) => auditWhat(event, 'staff') },
          { header: 'Patients', cell: (event) => <Patients ids={event.patient_ids} /> },
          { header: 'IP address', cell: (event) => event.ip_address ?? '—' },
        ]}
      />
    </>
  );
}
