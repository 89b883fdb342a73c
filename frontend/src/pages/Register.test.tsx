import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderApp } from '../test/helpers';
import { Register } from './Register';

/** The error shown for the control labelled `label`, found the way a screen reader finds it. */
function errorFor(label: string): string | null {
  const control = screen.getByLabelText(label, { exact: false, selector: 'input, select, textarea' });
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-error'));
  return ids.length ? (document.getElementById(ids[0])?.textContent ?? null) : null;
}

async function fillValidForm() {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/^E-mail/), 'eva@example.com');
  await user.type(screen.getByLabelText(/^Password \(required\)/), 'Patient-Pass-2#');
  await user.type(screen.getByLabelText(/^Password again/), 'Patient-Pass-2#');
  await user.type(screen.getByLabelText(/^First name/), 'Åsa');
  await user.type(screen.getByLabelText(/^Surname/), 'Öberg');
  await user.type(screen.getByLabelText(/^Mobile phone/), '0701234567');
  await user.type(screen.getByLabelText(/^Date of birth/), '1990-05-17');
  await user.selectOptions(screen.getByLabelText(/^Gender/), 'Female');
  return user;
}

describe('registration', () => {
  it('checks the rules as the person types, once they left the field', async () => {
    renderApp(<Register />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Mobile phone/), '08123');
    await user.tab();
    expect(errorFor('Mobile phone')).toMatch(/^Enter a Swedish mobile number/);
    await user.clear(screen.getByLabelText(/^Mobile phone/));
    await user.type(screen.getByLabelText(/^Mobile phone/), '0701234567');
    expect(errorFor('Mobile phone')).toBeNull();
  });

  it('shows the server’s dotted-path field errors next to the fields they name', async () => {
    let sent: unknown = null;
    renderApp(<Register />, {
      handler: (_method, _path, body) => {
        sent = body;
        return json(400, {
          detail: 'Invalid data.',
          errors: {
            email: ['A user with this e-mail address already exists.'],
            'profile.date_of_birth': ['You must be at least 18 years old to register.'],
            'profile.nickname': ['Not a field this form has.'],
          },
        });
      },
    });
    const user = await fillValidForm();
    await user.click(screen.getByRole('button', { name: 'Register' }));

    expect(await screen.findByText('A user with this e-mail address already exists.')).toBeInTheDocument();
    expect(errorFor('E-mail')).toBe('A user with this e-mail address already exists.');
    expect(errorFor('Date of birth')).toBe('You must be at least 18 years old to register.');
    expect(errorFor('First name')).toBeNull();
    // A path without a field is still shown, in the form's own message.
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('Invalid data.')).toBeInTheDocument();
    expect(within(alert).getByText(/Not a field this form has/)).toBeInTheDocument();
    expect(sent).toMatchObject({
      email: 'eva@example.com',
      profile: { name: 'Åsa', surname: 'Öberg', phone_number: '0701234567', date_of_birth: '1990-05-17', gender: 'Female' },
    });
    expect((sent as { profile: object }).profile).not.toHaveProperty('height');

    // Correcting the field clears the server's complaint about it.
    await user.clear(screen.getByLabelText(/^Date of birth/));
    await user.type(screen.getByLabelText(/^Date of birth/), '1980-01-01');
    expect(errorFor('Date of birth')).toBeNull();
  });

  it('does not send a form the rules refuse', async () => {
    const { fetchMock } = renderApp(<Register />);
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect(errorFor('E-mail')).toBe('This field is required.');
    expect(errorFor('Gender')).toBe('This field is required.');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
