import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useApi } from '../auth/session';
import { FormActions, FormMessage, NewPasswordFields } from '../components/Field';
import { Notice } from '../components/Notice';
import { Spinner } from '../components/Spinner';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import './auth.css';

type Stage = 'activating' | 'needs-password' | 'done' | 'failed';

/**
 * The e-mailed activation link. A patient's account is activated at once; a staff member hired
 * without a password chooses one here (the server asks for it by naming the field).
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
            <p>Activation links work once and for 30 minutes. If yours has expired, contact the clinic.</p>
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
