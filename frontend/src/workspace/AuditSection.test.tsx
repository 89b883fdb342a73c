import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../api/types';
import { json, renderApp } from '../test/helpers';
import AuditSection from './AuditSection';

const read: AuditEvent = {
  id: 41,
  at: '2026-12-06T09:15:00Z',
  action: 'read',
  record: 'journal_entry',
  record_id: 12,
  actor: { id: 5, name: 'Erik', surname: 'Nyström', role: 'doctor' },
  patient_ids: [7],
  ip_address: '10.0.4.17',
};
const pageOf = <T,>(data: T[]) => ({ total_items: data.length, total_pages: 1, prev: false, next: false, data });

function server(requests: string[]) {
  return (_method: string, path: string) => {
    requests.push(path);
    return json(200, pageOf([read]));
  };
}

const queryOf = (path: string) => Object.fromEntries(new URLSearchParams(path.split('?')[1]));

describe('who has read my record', () => {
  it('shows a patient who read what, newest first, without addresses', async () => {
    const requests: string[] = [];
    renderApp(<AuditSection />, { role: 'patient', handler: server(requests) });
    const row = await screen.findByRole('row', { name: /Erik Nyström/ });
    expect(within(row).getByRole('cell', { name: 'read your journal entry' })).toBeInTheDocument();
    expect(within(row).getByText('Doctor')).toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'IP address' })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'Patients' })).toBeNull();
    expect(queryOf(requests[0])).toMatchObject({ order: '-id', page: '1' });
  });
});

describe('the audit trail', () => {
  it('lets staff narrow it by reader, action and date, and leads to each patient’s chart', async () => {
    const requests: string[] = [];
    renderApp(<AuditSection />, { role: 'admin', handler: server(requests) });
    const user = userEvent.setup();
    const row = await screen.findByRole('row', { name: /Erik Nyström/ });
    expect(within(row).getByRole('cell', { name: 'read journal entry #12' })).toBeInTheDocument();
    expect(within(row).getByText('Doctor · user #5')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'Patient #7' })).toHaveAttribute('href', '/workspace/patients/7');
    expect(within(row).getByRole('cell', { name: '10.0.4.17' })).toBeInTheDocument();
    expect(queryOf(requests[0])).toMatchObject({ order: '-id' });

    await user.type(screen.getByLabelText('Reader (user id)'), '5');
    await user.selectOptions(screen.getByLabelText('Action'), 'read');
    await user.type(screen.getByLabelText('From'), '2026-12-01');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByRole('row', { name: /Erik Nyström/ });
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(queryOf(requests[1])).toMatchObject({ actor_id: '5', action: 'read', date_from: '2026-12-01', order: '-id' });
  });
});
