import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Role, User } from '../api/types';
import { json, renderApp } from '../test/helpers';
import PatientChart from './PatientChart';
import TodaySection from './TodaySection';

const ASA: User = { id: 7, profile: { id: 7, name: 'Åsa', surname: 'Öberg', date_of_birth: '1990-05-17', age: 36 } };
// A namesake: the name filters find her rows too; the chart must not show them.
const OTHER_ASA: User = { id: 8, profile: { id: 8, name: 'Åsa', surname: 'Öberg' } };

function entry(id: number, user: User, diagnosis: string) {
  return { id, user, diagnosis, description: `About ${diagnosis}.`, planning: 'Follow-up.', created_at: `2026-11-0${id}T10:00:00Z`, updated_at: '' };
}

function chartServer(requests: string[]) {
  return (_method: string, path: string) => {
    requests.push(path);
    if (path === '/users/patient/7') return json(200, ASA);
    if (path.startsWith('/patient_card?')) {
      const params = new URLSearchParams(path.split('?')[1]);
      // Two pages of 25 are read when the first holds too few of hers.
      const first = Array.from({ length: 25 }, (_, i) => entry(100 + i, OTHER_ASA, `Namesake ${i}`));
      first[3] = entry(9, ASA, 'Meniscus tear');
      const data = params.get('page') === '1' ? first : [entry(2, ASA, 'Knee pain')];
      return json(200, { total_items: 26, total_pages: 2, prev: params.get('page') === '2', next: params.get('page') === '1', data });
    }
    if (path.startsWith('/patient_recipe?')) {
      return json(200, { total_items: 1, total_pages: 1, prev: false, next: false, data: [{ id: 4, user: ASA, recipe: 'Ibuprofen 400 mg', description: 'Three a day.', created_at: '2026-11-05T10:00:00Z', updated_at: '' }] });
    }
    if (path.startsWith('/sick_leave?')) {
      const certificate = { id: 3, user: ASA, date_from: '2026-11-02', date_to: '2026-11-08', diagnosis: 'Knee sprain', notes: '', doctor: { id: 1, name: 'Test', surname: 'Doc', specialty: null }, created_at: '2026-11-02T10:00:00Z', updated_at: '' };
      return json(200, { total_items: 1, total_pages: 1, prev: false, next: false, data: [certificate] });
    }
    if (path.startsWith('/booking_doctor?') || path.startsWith('/booking_diagnostic?')) {
      return json(200, { total_items: 0, total_pages: 1, prev: false, next: false, data: [] });
    }
    return json(404, { detail: 'Not found.' });
  };
}

function renderChart(role: Role, requests: string[]) {
  return renderApp(
    <Routes>
      <Route path="/workspace/patients/:patientId" element={<PatientChart />} />
    </Routes>,
    { role, path: '/workspace/patients/7', handler: chartServer(requests) },
  );
}

describe('a patient’s chart', () => {
  it('shows a doctor who the patient is and their journal newest first, without a namesake’s entries', async () => {
    const requests: string[] = [];
    renderChart('doctor', requests);
    expect(await screen.findByRole('heading', { level: 1, name: 'Åsa Öberg' })).toBeInTheDocument();
    const journal = screen.getByRole('region', { name: 'Journal' });
    await within(journal).findByRole('heading', { name: 'Knee pain' });
    expect(within(journal).getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Meniscus tear', 'Knee pain']);
    expect(within(journal).queryByText(/Namesake/)).toBeNull();
    expect(within(journal).getByRole('button', { name: 'Download PDF of the journal entry Meniscus tear' })).toBeInTheDocument();
    expect(within(journal).getByRole('button', { name: 'Print the journal entry Meniscus tear' })).toBeInTheDocument();
    expect(requests).toContain('/patient_card?order=-id&patient_name=%C3%85sa&patient_surname=%C3%96berg&page=1&size=25');
    expect(requests).toContain('/patient_card?order=-id&patient_name=%C3%85sa&patient_surname=%C3%96berg&page=2&size=25');
    expect(await screen.findByRole('heading', { name: 'Ibuprofen 400 mg' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Doctor visits' })).toBeInTheDocument();
    const sickLeave = screen.getByRole('region', { name: 'Sick leave' });
    expect(await within(sickLeave).findByText('2 Nov 2026 – 8 Nov 2026 (7 days) · Dr Test Doc')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Write a journal entry' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Issue a sick-leave certificate' })).toBeInTheDocument();
    // Exporting a patient's data is for staff.
    expect(screen.queryByRole('button', { name: /^Download data/ })).toBeNull();
  });

  it('shows a pharmacist the prescriptions, and no journal or bookings, which are not theirs to read', async () => {
    const requests: string[] = [];
    renderChart('pharmacist', requests);
    expect(await screen.findByRole('heading', { name: 'Ibuprofen 400 mg' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Journal' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Doctor visits' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Diagnostic bookings' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Sick leave' })).toBeNull();
    expect(requests.filter((path) => /^\/(patient_card|booking_|sick_leave)/.test(path))).toEqual([]);
    expect(screen.getByRole('button', { name: 'Write a prescription' })).toBeInTheDocument();
  });

  it('offers staff the patient’s data to download', async () => {
    renderChart('admin', []);
    expect(await screen.findByRole('heading', { level: 1, name: 'Åsa Öberg' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download data (JSON) of Åsa Öberg' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download data (PDF) of Åsa Öberg' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Issue a sick-leave certificate' })).toBeNull();
  });

  it('says so when there is no such patient', async () => {
    renderApp(
      <Routes>
        <Route path="/workspace/patients/:patientId" element={<PatientChart />} />
      </Routes>,
      { role: 'doctor', path: '/workspace/patients/99', handler: () => json(404, { detail: 'Not found.' }) },
    );
    expect(await screen.findByText('There is no such patient.')).toBeInTheDocument();
  });
});

describe('the doctor’s day', () => {
  it('lists today’s own visits in time order, each patient a link to the chart', async () => {
    const requests: string[] = [];
    renderApp(<TodaySection />, {
      role: 'doctor',
      handler: (_method, path) => {
        requests.push(path);
        return json(200, {
          total_items: 1,
          total_pages: 1,
          prev: false,
          next: false,
          data: [{ id: 5, user: ASA, doctor: { id: 1, name: 'Test', surname: 'Doc', specialty: null }, status: 'booked', date_time: '2026-12-08T08:30:00Z', duration_minutes: 45 }],
        });
      },
    });
    expect(await screen.findByRole('link', { name: 'Åsa Öberg' })).toHaveAttribute('href', '/workspace/patients/7');
    expect(screen.getByRole('cell', { name: '09:30–10:15' })).toBeInTheDocument();
    const [path, query] = requests[0].split('?');
    const params = Object.fromEntries(new URLSearchParams(query));
    expect(path).toBe('/booking_doctor');
    expect(params).toMatchObject({ doctor_id: '1', order: 'date_time' });
    expect(params.date_from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(params.date_to).toBe(params.date_from);
  });
});
