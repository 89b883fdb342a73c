// The profile's fields, used by registration, profile editing and hiring staff. Field names are
// the API's paths under `prefix` ("profile." or "user.profile."), so server errors find them.

import type { Profile, ProfileInput } from '../api/types';
import type { Form } from '../lib/useForm';
import * as v from '../lib/validate';
import { clinicToday } from '../lib/time';
import { SelectField, TextField } from './Field';
import './ProfileFields.css';

export const PROFILE_KEYS = [
  'name',
  'surname',
  'phone_number',
  'date_of_birth',
  'gender',
  'height',
  'weight',
  'street',
  'house',
  'city',
  'region',
  'country',
] as const;
export type ProfileKey = (typeof PROFILE_KEYS)[number];
const REQUIRED_KEYS: ProfileKey[] = ['name', 'surname', 'phone_number', 'date_of_birth', 'gender'];

export function emptyProfile<P extends string>(prefix: P): Record<`${P}${ProfileKey}`, string> {
  return Object.fromEntries(PROFILE_KEYS.map((key) => [`${prefix}${key}`, ''])) as Record<`${P}${ProfileKey}`, string>;
}

export function profileValues<P extends string>(prefix: P, profile: Profile): Record<`${P}${ProfileKey}`, string> {
  return Object.fromEntries(
    PROFILE_KEYS.map((key) => [`${prefix}${key}`, profile[key] === null || profile[key] === undefined ? '' : String(profile[key])]),
  ) as Record<`${P}${ProfileKey}`, string>;
}

/** The rules for each profile field, as the server applies them. */
export function profileRules(prefix: string): Record<string, v.Rule> {
  const today = clinicToday();
  const rules: Record<ProfileKey, v.Rule> = {
    name: v.required(v.personText),
    surname: v.required(v.personText),
    phone_number: v.required(v.phoneNumber),
    date_of_birth: v.required(v.dateOfBirth(today)),
    gender: v.required(v.gender),
    height: v.optional(v.height),
    weight: v.optional(v.weight),
    street: v.optional(v.personText),
    house: v.optional(v.house),
    city: v.optional(v.personText),
    region: v.optional(v.personText),
    country: v.optional(v.personText),
  };
  return Object.fromEntries(PROFILE_KEYS.map((key) => [`${prefix}${key}`, rules[key]]));
}

/**
 * The profile to send. A new profile leaves out empty optional fields; an update sends only the
 * fields that changed, and `null` to clear an optional one.
 */
export function profileBody(prefix: string, values: Record<string, string>, before?: Profile): ProfileInput {
  const body: ProfileInput = {};
  for (const key of PROFILE_KEYS) {
    const raw = (values[`${prefix}${key}`] ?? '').trim();
    const old = before?.[key];
    const oldText = old === null || old === undefined ? '' : String(old);
    if (before && raw === oldText) continue;
    if (raw === '') {
      if (before && !REQUIRED_KEYS.includes(key)) body[key] = null;
      continue;
    }
    body[key] = key === 'height' || key === 'weight' ? Number(raw) : raw;
  }
  return body;
}

export function ProfileFields<K extends string>({ form, prefix }: { form: Form<K>; prefix: string }) {
  const f = (key: ProfileKey) => form.field(`${prefix}${key}` as K);
  return (
    <div className="profile-fields">
      <fieldset>
        <legend>Personal details</legend>
        <div className="profile-fields__grid">
          <TextField label="First name" field={f('name')} required autoComplete="given-name" />
          <TextField label="Surname" field={f('surname')} required autoComplete="family-name" />
          <TextField
            label="Mobile phone"
            type="tel"
            field={f('phone_number')}
            required
            autoComplete="tel"
            inputMode="tel"
            hint="07XXXXXXXX or +<country code and number>"
          />
          <TextField label="Date of birth" type="date" field={f('date_of_birth')} required autoComplete="bday" max={clinicToday()} />
          <SelectField
            label="Gender"
            field={f('gender')}
            required
            placeholder="Choose…"
            options={[
              { value: 'Female', label: 'Female' },
              { value: 'Male', label: 'Male' },
            ]}
          />
          <TextField label="Height (cm)" type="number" inputMode="numeric" field={f('height')} min="1" max="300" />
          <TextField label="Weight (kg)" type="number" inputMode="numeric" field={f('weight')} min="1" max="700" />
        </div>
      </fieldset>
      <fieldset>
        <legend>Address</legend>
        <div className="profile-fields__grid">
          <TextField label="Street" field={f('street')} autoComplete="address-line1" />
          <TextField label="House" field={f('house')} hint="e.g. 12B, 4-6, 7/1" />
          <TextField label="City" field={f('city')} autoComplete="address-level2" />
          <TextField label="Region" field={f('region')} autoComplete="address-level1" />
          <TextField label="Country" field={f('country')} autoComplete="country-name" />
        </div>
      </fieldset>
    </div>
  );
}
