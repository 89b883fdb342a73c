import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useApi } from '../auth/session';
import { FormActions, FormMessage, NewPasswordFields, TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { Spinner } from '../components/Spinner';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import './auth.css';

type Stage = 'activating' | 'needs-password' | 'done' | 'failed';

/**
 * The e-mailed activation link. A patient's account is activated at once; a staff member hired
 * without a password chooses one here (the server asks for it by naming the field). A link that
 * no longer works offers a new one.
 */
export function Activate() {
  const { token = '' } = useParams();
  const r = useApi();
  const [stage, setStage] = useState<Stage>('activating');
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm({ password: '', password_again: '' }, v.newPasswordRules, 'activate');
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // the link is single-use: never send it twice
    started.current = true;
    r.activate(token)
      .then(() => setStage('done'))
      .catch((error) => {
        if (error instanceof ApiError && error.status === 400 && error.errors.password) {
          setStage('needs-password');
        } else {
          setProblem(error instanceof ApiError ? error.detail : 'The account could not be activated.');
          setStage('failed');
        }
      });
  }, [r, token]);

  const { busy, submit } = useSubmit(form, async () => {
    await r.activate(token, form.values.password);
    setStage('done');
  });

  return (
    <div className="auth-page">
      <section className="panel">
        <h1>Activate your account</h1>
        {stage === 'activating' ? <Spinner label="Activating your account" /> : null}
        {stage === 'done' ? (
          <>
            <Notice kind="success">Your account is active. Welcome to QHealth!</Notice>
            <Link className="button" to="/login">
              Sign in
            </Link>
          </>
        ) : null}
        {stage === 'failed' ? (
          <>
            <Notice kind="error">{problem}</Notice>
            <NewLinkRequest />
          </>
        ) : null}
        {stage === 'needs-password' ? (
          <form className="form-stack" onSubmit={submit} noValidate>
            <p>Choose the password you will sign in with.</p>
            <FormMessage error={form.formError} other={form.otherErrors} />
            <NewPasswordFields label="Password" password={form.field('password')} again={form.field('password_again')} />
            <FormActions busy={busy} label="Activate" />
          </form>
        ) : null}
      </section>
    </div>
  );
}

/** A link that expired (or was used) is replaced by a new one, sent to the address given. */
function NewLinkRequest() {
  const r = useApi();
  const form = useForm({ email: '' }, () => ({ email: v.required(v.email) }), 'new-link');
  const [sentTo, setSentTo] = useState<string | null>(null);

  const { busy, submit } = useSubmit(form, async () => {
    const email = form.values.email.trim();
    await r.requestActivation(email);
    setSentTo(email);
  });

  if (sentTo) {
    return (
      <Notice kind="success">
        If <strong>{sentTo}</strong> belongs to an account waiting for activation, a new link is on its way. It works
        once, for 30 minutes.
      </Notice>
    );
  }
  return (
    <>
      <p>Activation links work once and for 30 minutes. Enter the e-mail address you registered with and we will send you a new one.</p>
      <form className="form-stack" onSubmit={submit} noValidate aria-label="Send a new activation link">
        <FormMessage error={form.formError} />
        <TextField label="E-mail" type="email" autoComplete="email" field={form.field('email')} required />
        <FormActions busy={busy} label="Send a new link" busyLabel="Sending…" />
      </form>
      <p className="auth-page__links">
        <Link to="/login">Already activated? Sign in</Link>
      </p>
    </>
  );
}
