import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useApi, useSession } from '../auth/session';
import { Notice } from '../components/Notice';
import { Spinner } from '../components/Spinner';
import './auth.css';

/** The link e-mailed to a new address: confirms it (signed in as the account's owner). */
export function VerifyEmail() {
  const { token = '' } = useParams();
  const r = useApi();
  const { reloadMe } = useSession();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    r.verifyEmail(token)
      .then((answer) => {
        setResult({ ok: true, text: answer.detail });
        void reloadMe().catch(() => undefined);
      })
      .catch((error) =>
        setResult({ ok: false, text: error instanceof ApiError ? error.detail : 'The address could not be verified.' }),
      );
  }, [r, token, reloadMe]);

  return (
    <div className="auth-page">
      <section className="panel">
        <h1>Confirm your new e-mail address</h1>
        {result ? <Notice kind={result.ok ? 'success' : 'error'}>{result.text}</Notice> : <Spinner label="Confirming" />}
        <Link to="/workspace/profile">Go to your profile</Link>
      </section>
    </div>
  );
}
