import { Link, useLocation, useNavigate } from 'react-router';
import type { LoginState } from '../auth/guards';
import { useSession } from '../auth/session';
import { FormActions, FormMessage, TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import { REQUIRED } from '../lib/validate';
import './auth.css';

const rules = () => ({
  email: (value: string) => (value.trim() ? null : REQUIRED),
  password: (value: string) => (value ? null : REQUIRED),
});

export function Login() {
  const { login, notice, clearNotice } = useSession();
  const navigate = useNavigate();
  const state = (useLocation().state ?? {}) as LoginState;
  const form = useForm({ email: '', password: '' }, rules, 'login');

  const { busy, submit } = useSubmit(form, async () => {
    await login(form.values.email.trim(), form.values.password);
    clearNotice();
    navigate(state.from && state.from !== '/login' ? state.from : '/workspace', { replace: true });
  });

  const message = notice ?? state.message;
  return (
    <div className="auth-page">
      <section className="panel">
        <h1>Sign in</h1>
        {message ? <Notice>{message}</Notice> : null}
        <form className="form-stack" onSubmit={submit} noValidate>
          <FormMessage error={form.formError} />
          <TextField label="E-mail" type="email" autoComplete="username" field={form.field('email')} />
          <TextField label="Password" type="password" autoComplete="current-password" field={form.field('password')} />
          <FormActions busy={busy} label="Sign in" busyLabel="Signing in…" />
        </form>
        <p className="auth-page__links">
          <Link to="/auth/recovery">Forgot your password?</Link>
          <Link to="/register">New patient? Register</Link>
        </p>
      </section>
    </div>
  );
}
