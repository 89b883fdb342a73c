import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderApp } from '../test/helpers';
import PatientsSection from './PatientsSection';

const ASA = { id: 7, email: 'asa@example.com', profile: { id: 7, name: 'Åsa', surname: 'Öberg', date_of_birth: '1990-05-17', age: 36 } };
const page = <T,>(data: T[]) => ({ total_items: data.length, total_pages: 1, prev: false, next: false, data });
const DOCTOR = {
  id: 30,
  role: 'doctor',
  specialty: 'Cardiology',
  is_available_for_booking: true,
  user: { id: 3, is_active: true, profile: { id: 3, name: 'Erik', surname: 'Nyström' } },
};
const SLOTS = [
  { start: '2031-03-12T08:00:00Z', end: '2031-03-12T08:30:00Z' },
  { start: '2031-03-12T08:30:00Z', end: '2031-03-12T09:00:00Z' },
];
const TAKEN = 'This doctor already has a visit booked at this time. Choose another time.';

describe('booking from the patient list', () => {
  it('books a visit for the patient of the row at one of the doctor’s next free times, and offers them anew after a refusal', async () => {
    const posted: unknown[] = [];
    let slotReads = 0;
    renderApp(<PatientsSection />, {
      role: 'operator',
      handler: (method, path, body) => {
        if (path.startsWith('/users/patient')) return json(200, page([ASA]));
        if (path.startsWith('/roles/doctor_list')) return json(200, page([DOCTOR]));
        if (path.startsWith('/booking_doctor/free_slots?doctor_id=3&')) {
          slotReads += 1;
          return json(200, { date_from: '', date_to: '', doctors: [{ doctor: { id: 3 }, visit_minutes: 30, slots: SLOTS }] });
        }
        if (method === 'POST' && path === '/booking_doctor') {
          posted.push(body);
          if (posted.length === 1) return json(409, { detail: TAKEN });
          return json(201, { id: 1, user: ASA, doctor: { id: 3, name: 'Erik', surname: 'Nyström', specialty: 'Cardiology' }, status: 'booked', date_time: SLOTS[1].start });
        }
        return json(404, { detail: 'Not found.' });
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Book a visit for Öberg, Åsa' }));
    const dialog = screen.getByRole('dialog', { name: 'Book a doctor visit for Åsa Öberg' });
    expect(within(dialog).getByText('Åsa Öberg')).toBeInTheDocument();
    expect(within(dialog).queryByLabelText('Patient (required)')).toBeNull();

    const doctor = within(dialog).getByLabelText('Doctor (required)');
    await within(dialog).findByRole('option', { name: 'Dr Erik Nyström — Cardiology' });
    await user.selectOptions(doctor, '3');
    const times = within(await within(dialog).findByRole('group', { name: 'Next free times' }));
    await user.click(await times.findByRole('button', { name: 'Wed 12 Mar 09:00' }));
    expect(within(dialog).getByLabelText(/^Date and time/)).toHaveValue('2031-03-12T09:00');
    expect(times.getByRole('button', { name: 'Wed 12 Mar 09:00' })).toHaveAttribute('aria-pressed', 'true');

    await user.click(within(dialog).getByRole('button', { name: 'Book and e-mail the patient' }));
    expect(await within(dialog).findByText(TAKEN)).toBeInTheDocument();
    expect(posted[0]).toEqual({ user_id: 7, doctor_id: 3, date_time: '2031-03-12T08:00:00.000Z', duration_minutes: 30 });
    await within(dialog).findByRole('button', { name: 'Wed 12 Mar 09:30' });
    expect(slotReads).toBe(2);

    await user.click(within(dialog).getByRole('button', { name: 'Wed 12 Mar 09:30' }));
    await user.click(within(dialog).getByRole('button', { name: 'Book and e-mail the patient' }));
    expect(await screen.findByText(/Åsa Öberg is booked with Dr Erik Nyström/)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('offers each role what it may start for a patient, and the chart to all', async () => {
    for (const [role, buttons] of [
      ['operator', ['Book a visit', 'Book an examination']],
      ['doctor', ['Journal entry', 'Sick leave']],
      ['pharmacist', ['Prescribe']],
    ] as const) {
      const view = renderApp(<PatientsSection />, {
        role,
        handler: (_method, path) => (path.startsWith('/users/patient') ? json(200, page([ASA])) : json(404, { detail: 'Not found.' })),
      });
      expect(await screen.findByRole('link', { name: 'Öberg, Åsa' })).toHaveAttribute('href', '/workspace/patients/7');
      const row = screen.getByRole('row', { name: /Öberg, Åsa/ });
      const names = within(row)
        .getAllByRole('button')
        .map((button) => button.textContent?.replace(' for Öberg, Åsa', '').replace(' of Öberg, Åsa', ''));
      expect(names).toEqual(['Details', ...buttons]);
      view.unmount();
    }
  });
});
