// The doctor's day, where their workspace opens: today's visits in time order (API.md: a
// doctor's day is date_from=date_to=<today>&doctor_id=<own id>&order=date_time), each patient a
// link to their chart.

import { useCallback } from 'react';
import { Link } from 'react-router';
import type { Query } from '../api/client';
import type { DoctorVisit } from '../api/types';
import { useApi, useSession } from '../auth/session';
import { ResourceList } from '../components/ResourceList';
import { formatDayLong, formatTimeRange } from '../lib/dates';
import { clinicToday } from '../lib/time';
import { visitEnd } from './calendarModel';
import { PatientLink } from './PatientLink';

/** The query of a doctor's day. */
export function dayQuery(doctorId: number, date: string): Query {
  return { date_from: date, date_to: date, doctor_id: doctorId, order: 'date_time' };
}

export default function TodaySection() {
  const r = useApi();
  const { me } = useSession();
  const today = clinicToday();
  const doctorId = me?.id ?? 0;
  const load = useCallback((query: Query) => r.visits({ ...query, ...dayQuery(doctorId, today) }), [r, doctorId, today]);
  if (!me) return null;
  return (
    <>
      <p className="workspace__intro">
        {formatDayLong(today)}. Your week and free times are in the <Link to="/workspace/calendar">calendar</Link>.
      </p>
      <ResourceList<DoctorVisit>
        label="Today’s visits"
        load={load}
        stream="booking_doctor"
        initialSize={25}
        emptyText="You have no visits today."
        columns={[
          { header: 'Time', cell: (visit) => formatTimeRange(visit.date_time, visitEnd(visit)) },
          { header: 'Patient', cell: (visit) => <PatientLink user={visit.user} /> },
          {
            header: 'Status',
            cell: (visit) =>
              visit.status === 'booked' ? <span className="badge badge--ok">Booked</span> : <span className="badge badge--danger">Cancelled</span>,
          },
        ]}
      />
    </>
  );
}
