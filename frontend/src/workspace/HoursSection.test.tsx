import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderApp } from '../test/helpers';
import HoursSection from './HoursSection';

const CONFLICT = { id: 21, date_time: '2031-03-12T09:00:00Z', duration_minutes: 30, patient: { id: 7, name: 'Åsa', surname: 'Öberg' } };

function hoursServer(sent: { method: string; path: string; body: unknown }[]) {
  let weekly = [{ weekday: 1, from: '09:00', to: '12:00' }];
  const exceptions: unknown[] = [];
  return (method: string, path: string, body: unknown) => {
    sent.push({ method, path, body });
    const hours = () => ({ doctor_id: 1, visit_minutes: 30, weekly, exceptions });
    if (method === 'GET' && path === '/booking_doctor/hours/1') return json(200, hours());
    if (method === 'PUT' && path === '/booking_doctor/hours/1') {
      weekly = (body as { weekly: typeof weekly }).weekly;
      return json(200, { hours: hours(), conflicting_visits: [CONFLICT] });
    }
    if (method === 'POST' && path === '/booking_doctor/hours/1/exceptions') {
      const exception = { id: 5, note: '', from: null, to: null, ...(body as object) };
      exceptions.push(exception);
      return json(201, { exception, conflicting_visits: [] });
    }
    if (path.startsWith('/roles/doctor_list')) return json(200, { total_items: 0, total_pages: 1, prev: false, next: false, data: [] });
    return json(404, { detail: 'Not found.' });
  };
}

describe('working hours', () => {
  it('let a doctor set their own week, and list the booked visits the change leaves outside it', async () => {
    const sent: { method: string; path: string; body: unknown }[] = [];
    renderApp(<HoursSection />, { role: 'doctor', handler: hoursServer(sent) });
    const user = userEvent.setup();
    expect(await screen.findByLabelText('Monday 1: From')).toHaveValue('09:00');
    expect(screen.queryByLabelText('Doctor')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Add hours on Monday' }));
    const from = screen.getByLabelText('Monday 2: From');
    await user.type(from, '11:00');
    await user.type(screen.getByLabelText('Monday 2: To'), '14:00');
    await user.click(screen.getByRole('button', { name: 'Save the weekly hours' }));
    expect(await screen.findByText('Overlaps 09:00–12:00 on the same day.')).toBeInTheDocument();
    expect(sent.filter((request) => request.method === 'PUT')).toEqual([]);

    await user.clear(from);
    await user.type(from, '13:00');
    await user.click(screen.getByRole('button', { name: 'Monday’s hours for Tuesday–Friday' }));
    await user.click(screen.getByRole('button', { name: 'Save the weekly hours' }));
    expect(await screen.findByText('The weekly hours are saved.')).toBeInTheDocument();
    const put = sent.find((request) => request.method === 'PUT');
    expect(put?.body).toMatchObject({ visit_minutes: 30 });
    expect((put?.body as { weekly: unknown[] }).weekly).toHaveLength(10);
    expect((put?.body as { weekly: unknown[] }).weekly.slice(0, 2)).toEqual([
      { weekday: 1, from: '09:00', to: '12:00' },
      { weekday: 1, from: '13:00', to: '14:00' },
    ]);
    const conflicts = screen.getByText(/One booked visit is now outside the working hours/).closest('div') as HTMLElement;
    expect(within(conflicts).getByRole('link', { name: 'Åsa Öberg' })).toHaveAttribute('href', '/workspace/patients/7');
    expect(within(conflicts).getByText(/12 Mar 2031, 10:00 CET \(30 min\)/)).toBeInTheDocument();
  });

  it('add a whole-day absence, and ask for both times of extra hours', async () => {
    const sent: { method: string; path: string; body: unknown }[] = [];
    renderApp(<HoursSection />, { role: 'doctor', handler: hoursServer(sent) });
    const user = userEvent.setup();
    await screen.findByLabelText('Monday 1: From');
    await user.type(screen.getByLabelText('Date (required)'), '2031-03-12');
    await user.selectOptions(screen.getByLabelText('Kind (required)'), 'extra');
    await user.click(screen.getByRole('button', { name: 'Add the extra hours' }));
    expect(screen.getAllByText('This field is required.')).toHaveLength(2);

    await user.selectOptions(screen.getByLabelText('Kind (required)'), 'absence');
    await user.type(screen.getByLabelText('Note'), 'Conference');
    await user.click(screen.getByRole('button', { name: 'Add the absence' }));
    expect(await screen.findByRole('cell', { name: 'The whole day' })).toBeInTheDocument();
    expect(sent.find((request) => request.method === 'POST')?.body).toEqual({ date: '2031-03-12', kind: 'absence', note: 'Conference' });
  });

  it('let an operator read a doctor’s hours without changing them', async () => {
    renderApp(<HoursSection />, { role: 'operator', path: '/?doctor=1', handler: hoursServer([]) });
    expect(await screen.findByLabelText('Monday 1: From')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save the weekly hours' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Add the/ })).toBeNull();
  });
});
