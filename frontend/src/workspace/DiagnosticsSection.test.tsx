import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, renderApp } from '../test/helpers';
import DiagnosticsSection from './DiagnosticsSection';

const MRI = { id: 4, modality: 'MRI of the knee', created_at: '2026-11-01T08:00:00Z', updated_at: '2026-11-01T08:00:00Z' };
const page = { total_items: 1, total_pages: 1, prev: false, next: false, data: [MRI] };

describe('a patient asking for an examination', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is told in their own words that they already have one, in place of the earlier message', async () => {
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    let bookings = 0;
    renderApp(<DiagnosticsSection />, {
      role: 'patient',
      handler: (method, path) => {
        if (method === 'GET' && path.startsWith('/diagnostics')) return json(200, page);
        if (method === 'POST' && path === '/booking_diagnostic') {
          bookings += 1;
          return bookings === 1
            ? json(201, { id: 9 })
            : json(409, { detail: 'This patient already has a booking for this modality.' });
        }
        return json(404, { detail: 'Not found.' });
      },
    });
    const user = userEvent.setup();
    const book = await screen.findByRole('button', { name: 'Book MRI of the knee' });

    await user.click(book);
    expect(await screen.findByText(/You asked for “MRI of the knee”/)).toBeInTheDocument();
    await user.click(book);
    expect(await screen.findByText('You already have a booking for this examination. You can find it under My examinations.')).toBeInTheDocument();
    expect(screen.queryByText(/This patient already has/)).not.toBeInTheDocument();
    expect(screen.queryByText(/You asked for/)).not.toBeInTheDocument();
  });
});
