import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { JournalEntry, User } from '../api/types';
import { json, renderApp } from '../test/helpers';
import JournalSection from './JournalSection';

const asa: User = { id: 7, email: 'asa@example.com', profile: { id: 7, name: 'Åsa', surname: 'Öberg', date_of_birth: '1990-05-17' } };
const pageOf = <T,>(data: T[]) => ({ total_items: data.length, total_pages: 1, prev: false, next: false, data });

async function writeEntry(user: ReturnType<typeof userEvent.setup>, diagnosis: string) {
  await user.click(screen.getByRole('button', { name: 'Write a journal entry' }));
  const dialog = await screen.findByRole('dialog');
  const patient = within(dialog).getByLabelText(/^Patient/, { selector: 'select' });
  await within(patient).findByRole('option', { name: /Öberg, Åsa/ });
  await user.selectOptions(patient, '7');
  await user.type(within(dialog).getByLabelText(/^Diagnosis/), diagnosis);
  await user.type(within(dialog).getByLabelText(/^Description/), 'Swelling.');
  await user.type(within(dialog).getByLabelText(/^Planning/), 'Rest.');
  await user.click(within(dialog).getByRole('button', { name: 'Save the entry' }));
}

describe('writing journal entries from the Journals screen', () => {
  it('confirms each save with one message, which the next save replaces', async () => {
    const written: JournalEntry[] = [];
    renderApp(<JournalSection />, {
      role: 'doctor',
      handler: (method, path, body) => {
        if (method === 'GET' && path.startsWith('/patient_card')) return json(200, pageOf(written));
        if (method === 'GET' && path.startsWith('/users/patient')) return json(200, pageOf([asa]));
        if (method === 'POST' && path === '/patient_card') {
          const entry = { ...(body as JournalEntry), id: written.length + 1, user: asa, created_at: '2026-11-26T10:00:00Z' };
          written.push(entry);
          return json(201, entry);
        }
        return json(404, { detail: 'Not found.' });
      },
    });
    const user = userEvent.setup();
    await screen.findByText('No journal entries have been written yet.');

    await writeEntry(user, 'Meniscus tear');
    const saved = 'The journal entry for Åsa Öberg is saved; they have been told by e-mail.';
    expect(await screen.findByText(saved)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await writeEntry(user, 'Follow-up');
    await screen.findByRole('cell', { name: 'Follow-up' });
    expect(screen.getAllByText(saved)).toHaveLength(1);
  });
});
