import { useState } from 'react';
import { Link } from 'react-router';
import { useApi } from '../auth/session';
import { FormActions, FormMessage, NewPasswordFields, TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { emptyProfile, profileBody, ProfileFields, profileRules } from '../components/ProfileFields';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import './auth.css';

const initial = { email: '', password: '', password_again: '', ...emptyProfile('profile.') };
type Key = keyof typeof initial;

const rules = (values: Record<Key, string>) => ({
  email: v.required(v.email),
  ...v.newPasswordRules(values),
  ...profileRules('profile.'),
});

export function Register() {
  const r = useApi();
  const form = useForm<Key>(initial, rules, 'register');
  const [registered, setRegistered] = useState<string | null>(null);

  const { busy, submit } = useSubmit(form, async () => {
    const user = await r.register({
      email: form.values.email.trim(),
      password: form.values.password,
      profile: profileBody('profile.', form.values),
    });
    setRegistered(user.email ?? form.values.email.trim());
  });

  if (registered) {
    return (
      <div className="auth-page">
        <section className="panel">
          <h1>Check your inbox</h1>
          <Notice kind="success">
            <p>
              We sent an activation link to <strong>{registered}</strong>. Open it within 30 minutes to activate your
              account, then sign in.
            </p>
          </Notice>
          <Link to="/login">Go to sign in</Link>
        </section>
      </div>
    );
  }

  return (
    <div className="auth-page auth-page--wide">
      <section className="panel">
        <h1>Register as a patient</h1>
        <p>Fields marked “required” must be filled in; the rest help your doctor and can be added later.</p>
        <form className="form-stack" onSubmit={submit} noValidate>
          <FormMessage error={form.formError} other={form.otherErrors} />
          <fieldset className="profile-fields__account">
            <legend className="visually-hidden">Account</legend>
            <div className="form-grid">
              <TextField label="E-mail" type="email" autoComplete="email" field={form.field('email')} required />
              <NewPasswordFields label="Password" password={form.field('password')} again={form.field('password_again')} />
            </div>
          </fieldset>
          <ProfileFields form={form} prefix="profile." />
          <FormActions busy={busy} label="Register" busyLabel="Registering…">
            <span>
              Already registered? <Link to="/login">Sign in</Link>
            </span>
          </FormActions>
        </form>
      </section>
    </div>
  );
}
