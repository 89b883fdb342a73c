// People in the workspace: their filters, their details, and the profile form.

import type { User } from '../api/types';
import { useApi } from '../auth/session';
import { FormActions, FormMessage, TextField } from '../components/Field';
import { profileBody, ProfileFields, profileRules, profileValues } from '../components/ProfileFields';
import type { FilterDef } from '../components/ResourceList';
import { formatDate, formatDateTime } from '../lib/time';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';

export const PERSON_FILTERS: FilterDef[] = [
  { name: 'icontains_name', label: 'First name' },
  { name: 'icontains_surname', label: 'Surname' },
  { name: 'min_age', label: 'Age from', type: 'number' },
  { name: 'max_age', label: 'Age to', type: 'number' },
  { name: 'date_of_birth', label: 'Born on', type: 'date' },
  { name: 'icontains_city', label: 'City' },
  { name: 'icontains_country', label: 'Country' },
  {
    name: 'gender',
    label: 'Gender',
    type: 'select',
    options: [
      { value: 'Female', label: 'Female' },
      { value: 'Male', label: 'Male' },
    ],
  },
];

export function personName(user: User): string {
  return `${user.profile.surname}, ${user.profile.name}`;
}

export function AccountBadges({ user }: { user: User }) {
  return (
    <>
      {user.is_superuser ? <span className="badge badge--brand">Superuser</span> : null}{' '}
      {user.is_staff && !user.is_superuser ? <span className="badge badge--brand">Admin</span> : null}{' '}
      {user.is_active === false ? (
        <span className="badge badge--danger">Inactive</span>
      ) : user.is_active ? (
        <span className="badge badge--ok">Active</span>
      ) : null}
    </>
  );
}

function address(user: User): string {
  const p = user.profile;
  const street = [p.street, p.house].filter(Boolean).join(' ');
  return [street, p.city, p.region, p.country].filter(Boolean).join(', ') || '—';
}

export function UserFacts({ user }: { user: User }) {
  const p = user.profile;
  return (
    <dl className="details-list">
      <dt>Name</dt>
      <dd>
        {p.name} {p.surname}
      </dd>
      {user.email ? (
        <>
          <dt>E-mail</dt>
          <dd>
            {user.email}
            {user.pending_email ? ` (changing to ${user.pending_email}, waiting for confirmation)` : ''}
          </dd>
        </>
      ) : null}
      <dt>Phone</dt>
      <dd>{p.phone_number ?? '—'}</dd>
      <dt>Born</dt>
      <dd>
        {formatDate(p.date_of_birth)}
        {p.age !== null && p.age !== undefined ? ` (${p.age} years)` : ''}
      </dd>
      <dt>Gender</dt>
      <dd>{p.gender ?? '—'}</dd>
      <dt>Height / weight</dt>
      <dd>
        {p.height ? `${p.height} cm` : '—'} / {p.weight ? `${p.weight} kg` : '—'}
      </dd>
      <dt>Address</dt>
      <dd>{address(user)}</dd>
      {user.is_active !== undefined ? (
        <>
          <dt>Account</dt>
          <dd>
            <AccountBadges user={user} />
          </dd>
        </>
      ) : null}
      {user.last_login !== undefined ? (
        <>
          <dt>Last sign-in</dt>
          <dd>{formatDateTime(user.last_login)}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** Edits an account's e-mail and profile; sends only what changed. */
export function ProfileEditForm({ user, onSaved, onCancel }: { user: User; onSaved: (user: User) => void; onCancel: () => void }) {
  const r = useApi();
  const initial = { email: user.email ?? '', ...profileValues('profile.', user.profile) };
  type Key = keyof typeof initial;
  const form = useForm<Key>(initial, () => ({ email: v.required(v.email), ...profileRules('profile.') }), `edit-${user.id}`);
  const { busy, submit } = useSubmit(form, async () => {
    const profile = profileBody('profile.', form.values, user.profile);
    const email = form.values.email.trim().toLowerCase();
    const body = {
      ...(email !== (user.email ?? '') ? { email } : {}),
      ...(Object.keys(profile).length ? { profile } : {}),
    };
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    onSaved(await r.updateUser(user.id, body));
  });

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <TextField
        label="E-mail"
        type="email"
        field={form.field('email')}
        required
        hint="A new address is used once it is confirmed from the link we e-mail to it."
      />
      <ProfileFields form={form} prefix="profile." />
      <FormActions busy={busy} label="Save changes" busyLabel="Saving…" onCancel={onCancel} />
    </form>
  );
}
