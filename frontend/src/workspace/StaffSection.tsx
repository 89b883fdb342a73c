// Staff members (doctors, operators, pharmacists). Staff hire them and open or close a doctor's
// booking; operators see the list to know who works here.

import { useState } from 'react';
import type { StaffMember, StaffRoleName } from '../api/types';
import { fullName } from '../api/types';
import { can } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { FormActions, FormMessage, SelectField, TextField } from '../components/Field';
import { emptyProfile, profileBody, ProfileFields, profileRules } from '../components/ProfileFields';
import { ResourceList } from '../components/ResourceList';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import { OLDEST_OR_NEWEST, SectionHead, useReload } from './listSection';
import { useAction } from './useAction';

const ROLE_NAMES: Record<StaffRoleName, string> = { doctor: 'Doctor', operator: 'Operator', pharmacist: 'Pharmacist' };

const initial = { role: '', specialty: '', 'user.email': '', 'user.password': '', ...emptyProfile('user.profile.') };
type Key = keyof typeof initial;

const rules = (values: Record<Key, string>) => ({
  role: v.required((value) => (value in ROLE_NAMES ? null : 'Choose doctor, operator or pharmacist.')),
  specialty: values.role === 'doctor' ? v.required(v.textUpTo(100)) : () => null,
  'user.email': v.required(v.email),
  'user.password': v.optional(v.password),
  ...profileRules('user.profile.'),
});

function HireForm({ onDone, onCancel }: { onDone: (member: StaffMember) => void; onCancel: () => void }) {
  const r = useApi();
  const form = useForm<Key>(initial, rules, 'hire');

  const { busy, submit } = useSubmit(form, async () => {
    const role = form.values.role as StaffRoleName;
    const member = await r.createStaff({
      role,
      ...(role === 'doctor' ? { specialty: form.values.specialty.trim() } : {}),
      user: {
        email: form.values['user.email'].trim(),
        ...(form.values['user.password'] ? { password: form.values['user.password'] } : {}),
        profile: profileBody('user.profile.', form.values),
      },
    });
    onDone(member);
  });

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <div className="form-grid">
        <SelectField
          label="Role"
          field={form.field('role')}
          required
          placeholder="Choose…"
          options={Object.entries(ROLE_NAMES).map(([value, label]) => ({ value, label }))}
        />
        {form.values.role === 'doctor' ? (
          <TextField label="Specialty" field={form.field('specialty')} required hint="e.g. Cardiology" />
        ) : null}
        <TextField label="E-mail" type="email" field={form.field('user.email')} required />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          field={form.field('user.password')}
          hint="Leave empty: they choose their own from the activation link."
        />
      </div>
      <ProfileFields form={form} prefix="user.profile." />
      <FormActions busy={busy} label="Register and send the activation link" busyLabel="Registering…" onCancel={onCancel} />
    </form>
  );
}

export default function StaffSection() {
  const r = useApi();
  const { me } = useSession();
  const [hiring, setHiring] = useState(false);
  const { reloadKey, reload } = useReload();
  const action = useAction();
  if (!me) return null;
  const manage = can(me.role, 'CreateRole');
  const setAvailability = can(me.role, 'SetDoctorAvailability');

  const toggleBooking = async (member: StaffMember) => {
    const open = !member.is_available_for_booking;
    const ok = await action.run(() => r.setDoctorBookable(member.id, open), {
      success: open ? `Dr ${fullName(member.user)} can be booked again.` : `Dr ${fullName(member.user)} can no longer be booked.`,
    });
    if (ok) reload();
  };

  return (
    <>
      <SectionHead
        create={manage && { label: 'Register a staff member', onClick: () => setHiring(true) }}
        outcome={action.outcome}
      />
      <ResourceList<StaffMember>
        label="Staff"
        load={r.staff}
        reloadKey={reloadKey}
        filters={[
          {
            name: 'icontains_role',
            label: 'Role',
            type: 'select',
            options: Object.entries(ROLE_NAMES).map(([value, label]) => ({ value, label })),
          },
          { name: 'icontains_specialty', label: 'Specialty' },
          { name: 'icontains_name', label: 'First name' },
          { name: 'icontains_surname', label: 'Surname' },
        ]}
        orders={OLDEST_OR_NEWEST}
        emptyText="No staff members are registered yet."
        columns={[
          { header: 'Name', cell: (m) => `${m.user.profile.surname}, ${m.user.profile.name}` },
          { header: 'Role', cell: (m) => ROLE_NAMES[m.role] },
          { header: 'Specialty', cell: (m) => m.specialty ?? '—' },
          { header: 'E-mail', cell: (m) => m.user.email ?? '—' },
          {
            header: 'Status',
            cell: (m) => (
              <>
                {m.user.is_active === false ? <span className="badge badge--warn">Not activated or blocked</span> : null}{' '}
                {m.role === 'doctor' ? (
                  m.is_available_for_booking ? (
                    <span className="badge badge--ok">Bookable</span>
                  ) : (
                    <span className="badge badge--danger">Closed for booking</span>
                  )
                ) : null}
              </>
            ),
          },
        ]}
        rowActions={
          setAvailability
            ? (m) =>
                m.role === 'doctor' ? (
                  <button
                    type="button"
                    className={`button button--small ${m.is_available_for_booking ? 'button--danger' : 'button--quiet'}`}
                    disabled={action.busy}
                    onClick={() => toggleBooking(m)}
                  >
                    {m.is_available_for_booking ? 'Close booking' : 'Open booking'}
                    <span className="visually-hidden"> for Dr {fullName(m.user)}</span>
                  </button>
                ) : null
            : undefined
        }
      />
      {hiring ? (
        <Dialog title="Register a staff member" onClose={() => setHiring(false)} wide>
          <HireForm
            onCancel={() => setHiring(false)}
            onDone={(member) => {
              setHiring(false);
              action.succeeded(`${fullName(member.user)} is registered as ${ROLE_NAMES[member.role].toLowerCase()}; the activation link is on its way to ${member.user.email}.`);
              reload();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}
