import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useApi } from '../auth/session';
import { FormActions, FormMessage, NewPasswordFields, TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import './auth.css';

/** Asks for a recovery link. The answer is the same whether or not the address is registered. */
export function RecoveryRequest() {
  const r = useApi();
  const form = useForm({ email: '' }, () => ({ email: v.required(v.email) }), 'recovery');
  const [sent, setSent] = useState(false);

  const { busy, submit } = useSubmit(form, async () => {
    await r.requestRecovery(form.values.email.trim());
    setSent(true);
  });

  return (
    <div className="auth-page">
      <section className="panel">
        <h1>Forgot your password?</h1>
        {sent ? (
          <Notice kind="success">
            If <strong>{form.values.email.trim()}</strong> belongs to an account, a link to choose a new password is on its
            way. It works once, for 10 minutes.
          </Notice>
        ) : (
          <form className="form-stack" onSubmit={submit} noValidate>
            <p>Enter your e-mail address and we will send you a link to choose a new password.</p>
            <FormMessage error={form.formError} />
            <TextField label="E-mail" type="email" autoComplete="email" field={form.field('email')} required />
            <FormActions busy={busy} label="Send the link" />
          </form>
        )}
        <p className="auth-page__links">
          <Link to="/login">Back to sign in</Link>
        </p>
      </section>
    </div>
  );
}

export function RecoveryReset() {
  const { token = '' } = useParams();
  const r = useApi();
  const form = useForm({ password: '', password_again: '' }, v.newPasswordRules, 'reset');
  const [done, setDone] = useState(false);

  const { busy, submit } = useSubmit(form, async () => {
    await r.resetPassword(token, form.values.password);
    setDone(true);
  });

  return (
    <div className="auth-page">
      <section className="panel">
        <h1>Choose a new password</h1>
        {done ? (
          <>
            <Notice kind="success">Your password has been changed. Sign in with it now.</Notice>
            <Link className="button" to="/login">
              Sign in
            </Link>
          </>
        ) : (
          <form className="form-stack" onSubmit={submit} noValidate>
            <FormMessage error={form.formError} other={form.otherErrors} />
            <NewPasswordFields label="New password" password={form.field('password')} again={form.field('password_again')} />
            <FormActions busy={busy} label="Save the password" />
          </form>
        )}
      </section>
    </div>
  );
}
