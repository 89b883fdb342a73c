import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { json, renderApp } from '../test/helpers';
import { Activate } from './Activate';

describe('an activation link that no longer works', () => {
  it('offers a new link, sent to the address given', async () => {
    const asked: unknown[] = [];
    renderApp(
      <Routes>
        <Route path="/auth/activate/:token" element={<Activate />} />
      </Routes>,
      {
        path: '/auth/activate/expired-token',
        handler: (method, path, body) => {
          if (method === 'PATCH' && path === '/auth/activate/expired-token') {
            return json(401, { detail: 'Token is invalid or expired.' });
          }
          if (method === 'POST' && path === '/auth/activation') {
            asked.push(body);
            return json(200, { detail: 'If this address belongs to an account waiting for activation, a new activation link is on its way.' });
          }
          return json(404, { detail: 'Not found.' });
        },
      },
    );

    expect(await screen.findByText('Token is invalid or expired.')).toBeInTheDocument();
    expect(screen.queryByText(/contact the clinic/)).not.toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Send a new link' }));
    expect(asked).toEqual([]); // an empty address is not sent
    await user.type(screen.getByLabelText(/^E-mail/), ' eva@example.com ');
    await user.click(screen.getByRole('button', { name: 'Send a new link' }));

    expect(await screen.findByText(/a new link is on its way/)).toBeInTheDocument();
    expect(asked).toEqual([{ email: 'eva@example.com' }]);
  });
});
