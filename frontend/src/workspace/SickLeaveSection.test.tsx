import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SickLeave, User } from '../api/types';
import { addDays } from '../lib/dates';
import { clinicToday } from '../lib/time';
import { json, renderApp } from '../test/helpers';
import SickLeaveSection from './SickLeaveSection';

const asa: User = { id: 7, email: 'asa@example.com', profile: { id: 7, name: 'Åsa', surname: 'Öberg', date_of_birth: '1990-05-17' } };
const pageOf = <T,>(data: T[]) => ({ total_items: data.length, total_pages: 1, prev: false, next: false, data });
const certificate: SickLeave = {
  id: 3,
  date_from: '2026-12-07',
  date_to: '2026-12-20',
  diagnosis: 'Influenza',
  notes: 'No work with customers.',
  user: asa,
  doctor: { id: 5, name: 'Erik', surname: 'Nyström', specialty: 'General practice' },
  created_at: '2026-12-07T09:00:00Z',
  updated_at: '2026-12-07T09:00:00Z',
};

let saved: { href: string; download: string }[];

beforeEach(() => {
  saved = [];
  Object.defineProperty(URL, 'createObjectURL', { configurable: true, value: vi.fn(() => 'blob:app.test/1') });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: vi.fn() });
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ href: this.getAttribute('href') ?? '', download: this.download });
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('issuing sick leave', () => {
  it('shows the server’s refusal next to the field it names, then issues the certificate', async () => {
    const issued: SickLeave[] = [];
    const posted: unknown[] = [];
    renderApp(<SickLeaveSection />, {
      role: 'doctor',
      handler: (method, path, body) => {
        if (method === 'GET' && path.startsWith('/sick_leave')) return json(200, pageOf(issued));
        if (method === 'GET' && path.startsWith('/users/patient')) return json(200, pageOf([asa]));
        if (method === 'POST' && path === '/sick_leave') {
          posted.push(body);
          if (posted.length === 1) {
            return json(400, { detail: 'Invalid data.', errors: { date_to: ['The doctor is absent that day.'] } });
          }
          issued.push({ ...certificate, ...(body as Partial<SickLeave>), id: 3 });
          return json(201, issued[0]);
        }
        return json(404, { detail: 'Not found.' });
      },
    });
    const user = userEvent.setup();
    await screen.findByText('No sick-leave certificates have been issued yet.');
    await user.click(screen.getByRole('button', { name: 'Issue a sick-leave certificate' }));
    const dialog = await screen.findByRole('dialog', { name: 'Issue a sick-leave certificate' });
    const patient = within(dialog).getByLabelText(/^Patient/, { selector: 'select' });
    await within(patient).findByRole('option', { name: /Öberg, Åsa/ });
    await user.selectOptions(patient, '7');
    expect(within(dialog).getByLabelText(/^Sick from/)).toHaveValue(clinicToday());
    await user.type(within(dialog).getByLabelText(/^Sick until/), addDays(clinicToday(), 13));
    await user.type(within(dialog).getByLabelText(/^Diagnosis/), 'Influenza');
    await user.click(within(dialog).getByRole('button', { name: 'Sign and issue' }));

    const until = within(dialog).getByLabelText(/^Sick until/);
    expect(await within(dialog).findByText('The doctor is absent that day.')).toBeInTheDocument();
    expect(until).toHaveAttribute('aria-invalid', 'true');
    expect(until.getAttribute('aria-describedby')).toContain('sick-leave-date_to-error');

    await user.clear(until);
    await user.type(until, addDays(clinicToday(), 14));
    await user.click(within(dialog).getByRole('button', { name: 'Sign and issue' }));
    expect(await screen.findByText('The sick-leave certificate for Åsa Öberg is saved; they have been told by e-mail.')).toBeInTheDocument();
    expect(posted[1]).toEqual({ user_id: 7, date_from: clinicToday(), date_to: addDays(clinicToday(), 14), diagnosis: 'Influenza' });
    expect(await screen.findByRole('cell', { name: 'Dr Erik Nyström · General practice' })).toBeInTheDocument();
  });

  it('is not offered to staff, who read certificates but do not sign them', async () => {
    renderApp(<SickLeaveSection />, { role: 'admin', handler: () => json(200, pageOf([certificate])) });
    expect(await screen.findByRole('cell', { name: 'Influenza' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Issue a sick-leave certificate' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Delete/ })).toBeNull();
  });
});

describe('a patient’s own sick leave', () => {
  it('lists their certificates, reads one from the server and downloads its PDF', async () => {
    const requests: string[] = [];
    renderApp(<SickLeaveSection />, {
      role: 'patient',
      handler: (_method, path) => {
        requests.push(path);
        if (path === '/sick_leave/3') return json(200, certificate);
        if (path === '/sick_leave/3/pdf') {
          return new Response('%PDF-1.7', {
            status: 200,
            headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="sick-leave-3.pdf"' },
          });
        }
        return json(200, pageOf([certificate]));
      },
    });
    const user = userEvent.setup();
    const row = await screen.findByRole('row', { name: /Influenza/ });
    expect(within(row).getByRole('cell', { name: '7 Dec 2026 – 20 Dec 2026 (14 days)' })).toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Patient' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Issue a sick-leave certificate' })).toBeNull();

    await user.click(within(row).getByRole('button', { name: 'Download PDF of Influenza' }));
    await vi.waitFor(() => expect(saved).toEqual([{ href: 'blob:app.test/1', download: 'sick-leave-3.pdf' }]));

    await user.click(within(row).getByRole('button', { name: 'Read Influenza' }));
    const dialog = await screen.findByRole('dialog', { name: 'Influenza' });
    expect(await within(dialog).findByText('No work with customers.')).toBeInTheDocument();
    expect(within(dialog).getByText('Dr Erik Nyström · General practice')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Print Influenza' })).toBeInTheDocument();
    expect(requests).toContain('/sick_leave/3');
  });

  it('says why a PDF did not come', async () => {
    renderApp(<SickLeaveSection />, {
      role: 'patient',
      handler: (_method, path) => (path.endsWith('/pdf') ? json(404, { detail: 'Not found.' }) : json(200, pageOf([certificate]))),
    });
    const user = userEvent.setup();
    const row = await screen.findByRole('row', { name: /Influenza/ });
    await user.click(within(row).getByRole('button', { name: 'Download PDF of Influenza' }));
    expect(await within(row).findByRole('alert')).toHaveTextContent('Not found.');
    expect(saved).toEqual([]);
  });
});
