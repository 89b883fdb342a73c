import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../api/types';
import { json, renderApp } from '../test/helpers';
import ProfileSection from './ProfileSection';

const asa: User = { id: 1, email: 'asa@example.com', profile: { id: 1, name: 'Åsa', surname: 'Öberg', date_of_birth: '1990-05-17' } };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a patient’s own data', () => {
  it('downloads as JSON under a name of its own when the server gives none', async () => {
    const saved: string[] = [];
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, value: vi.fn(() => 'blob:app.test/1') });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: vi.fn() });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    const requests: string[] = [];
    renderApp(<ProfileSection />, {
      role: 'patient',
      handler: (_method, path) => {
        requests.push(path);
        return path === '/export/1' ? json(200, { generated_at: '2026-12-06T10:00:00Z', patient: asa }) : json(200, asa);
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Download my data (JSON)' }));
    await vi.waitFor(() => expect(saved).toEqual(['patient-1-export.json']));
    expect(requests).toContain('/export/1');
    expect(screen.getByRole('button', { name: 'Download my data (PDF)' })).toBeInTheDocument();
  });

  it('is not offered on a staff member’s profile, who is no patient', async () => {
    renderApp(<ProfileSection />, { role: 'doctor', handler: () => json(200, asa) });
    await screen.findByRole('button', { name: 'Edit my profile' });
    expect(screen.queryByRole('button', { name: /Download my data/ })).toBeNull();
  });
});
