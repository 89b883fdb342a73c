import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DoctorVisit, FreeSlots } from '../api/types';
import { json, renderApp, type Handler } from '../test/helpers';
import CalendarSection from './CalendarSection';

const NYSTROM = { id: 3, specialty: 'Cardiology', name: 'Erik', surname: 'Nyström' };
const page = <T,>(data: T[]) => ({ total_items: data.length, total_pages: 1, prev: false, next: false, data });

const doctorMember = {
  id: 30,
  role: 'doctor',
  specialty: 'Cardiology',
  is_available_for_booking: true,
  user: { id: 3, is_active: true, profile: { id: 3, name: 'Erik', surname: 'Nyström' } },
};

// Wednesday 12 March 2031, CET: 09:00 and 10:00 free, 09:30–10:00 booked for Åsa Öberg.
const slots: FreeSlots = {
  date_from: '2031-03-10',
  date_to: '2031-03-16',
  doctors: [
    {
      doctor: NYSTROM,
      visit_minutes: 30,
      slots: [
        { start: '2031-03-12T08:00:00Z', end: '2031-03-12T08:30:00Z' },
        { start: '2031-03-12T09:00:00Z', end: '2031-03-12T09:30:00Z' },
      ],
    },
  ],
};

const booked: DoctorVisit = {
  id: 11,
  user: { id: 7, profile: { id: 7, name: 'Åsa', surname: 'Öberg' } },
  doctor: NYSTROM,
  status: 'booked',
  is_active: true,
  date_time: '2031-03-12T08:30:00Z',
  duration_minutes: 30,
  created_at: '2031-01-01T00:00:00Z',
  updated_at: '2031-01-01T00:00:00Z',
};

function clinic(requests: string[]): Handler {
  return (method, path) => {
    requests.push(`${method} ${path}`);
    if (path.startsWith('/roles/doctor_list')) return json(200, page([doctorMember]));
    if (path.startsWith('/booking_doctor/free_slots')) {
      // The slots are the asked doctor's (the test session's own doctor is user 1).
      const asked = Number(new URLSearchParams(path.split('?')[1]).get('doctor_id')) || NYSTROM.id;
      return json(200, { ...slots, doctors: slots.doctors.map((entry) => ({ ...entry, doctor: { ...entry.doctor, id: asked } })) });
    }
    if (path.startsWith('/booking_doctor/hours/')) return json(200, { doctor_id: 3, visit_minutes: 30, weekly: [{ weekday: 3, from: '09:00', to: '11:00' }], exceptions: [] });
    if (path.startsWith('/booking_doctor?')) return json(200, page([booked]));
    if (path.startsWith('/users/patient')) return json(200, page([]));
    return json(404, { detail: 'Not found.' });
  };
}

describe('the calendar', () => {
  it('shows a doctor’s week from the free slots and the visits by date, the taken time without a free slot', async () => {
    const requests: string[] = [];
    renderApp(<CalendarSection />, { role: 'operator', path: '/?doctor=3&date=2031-03-12', handler: clinic(requests) });

    const wednesday = await screen.findByRole('region', { name: 'Wed 12 Mar' });
    const slotsThere = within(wednesday).getAllByRole('button');
    expect(slotsThere.map((button) => button.getAttribute('aria-label'))).toEqual([
      '09:00–09:30 Free: book on Wed 12 Mar with Dr Erik Nyström',
      '10:00–10:30 Free: book on Wed 12 Mar with Dr Erik Nyström',
    ]);
    expect(within(wednesday).getByRole('link', { name: 'Åsa Öberg' })).toHaveAttribute('href', '/workspace/patients/7');
    expect(within(wednesday).getByText('09:30–10:00')).toBeInTheDocument();
    expect(within(wednesday).queryByRole('button', { name: /^09:30/ })).toBeNull();
    expect(screen.getAllByRole('region', { name: /Mar$/ })).toHaveLength(7);

    expect(requests).toContain('GET /booking_doctor/free_slots?doctor_id=3&date_from=2031-03-10&date_to=2031-03-16');
    expect(requests).toContain('GET /booking_doctor?doctor_id=3&date_from=2031-03-10&date_to=2031-03-16&order=date_time&status=booked&page=1&size=25');
  });

  it('opens the booking dialog from a free slot, with the doctor, the time and the length filled in', async () => {
    renderApp(<CalendarSection />, { role: 'operator', path: '/?doctor=3&date=2031-03-12&view=day', handler: clinic([]) });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^10:00–10:30 Free/ }));

    const dialog = screen.getByRole('dialog', { name: 'Book a doctor visit' });
    expect(within(dialog).getByLabelText(/^Date and time/)).toHaveValue('2031-03-12T10:00');
    expect(within(dialog).getByLabelText('Length (minutes)')).toHaveValue(30);
    expect(within(dialog).getByLabelText('Doctor (required)')).toHaveValue('3');
    expect(within(dialog).getByLabelText('Patient (required)')).toHaveValue('');
  });

  it('shows a doctor their own calendar, with free times that are not buttons', async () => {
    const requests: string[] = [];
    renderApp(<CalendarSection />, { role: 'doctor', path: '/?date=2031-03-12&view=day', handler: clinic(requests) });
    await screen.findByText('10:00–10:30');
    expect(screen.queryByRole('button', { name: /Free/ })).toBeNull();
    // The test session's doctor is user 1.
    expect(requests.some((request) => request.startsWith('GET /booking_doctor/free_slots?doctor_id=1&'))).toBe(true);
  });

  it('asks an operator to choose, and lays a specialty out day by day', async () => {
    const requests: string[] = [];
    const first = renderApp(<CalendarSection />, { role: 'operator', handler: clinic(requests) });
    expect(await screen.findByText(/Choose a doctor, or a specialty/)).toBeInTheDocument();
    expect(requests.filter((request) => request.includes('free_slots'))).toEqual([]);
    first.unmount();

    renderApp(<CalendarSection />, { role: 'operator', path: '/?specialty=Cardiology&date=2031-03-12', handler: clinic(requests) });
    const day = await screen.findByRole('region', { name: 'Wednesday 12 March 2031' });
    expect(within(day).getByRole('heading', { level: 3, name: 'Dr Erik Nyström' })).toBeInTheDocument();
    expect(requests).toContain('GET /booking_doctor/free_slots?specialty=Cardiology&date_from=2031-03-12&date_to=2031-03-12');
  });
});
