// Sign in with email and password, and the authenticator code when the account has one.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage, request } from '../api.ts';
import { Page } from '../components/page.tsx';
import { Notice } from '../components/notice.tsx';
import { TextField } from '../components/fields.tsx';
import { Link, navigate, useSearchParams } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { SignedIn } from '../types.ts';

/** Only same-site paths: never send a user to an address taken from a link. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/signin')) return '/';
  return next;
}

export function SignInPage() {
  const { signedIn } = useSession();
  const next = safeNext(useSearchParams().get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (needTotp) codeRef.current?.focus();
  }, [needTotp]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = needTotp ? { email, password, totp: totp.replace(/\s+/g, '') } : { email, password };
      const result = await request<SignedIn>('POST', '/api/auth/login', { body, quiet: true });
      const me = await signedIn(result);
      navigate(me?.user.mustEnrolTotp ? '/account' : next, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'AUTH_TOTP_REQUIRED') {
        setNeedTotp(true);
        setError(needTotp ? e.message : null);
      } else {
        setError(errorMessage(e));
        if (e instanceof ApiError && e.code === 'AUTH_TOTP_INVALID') setTotp('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="Sign in" narrow>
      <form className="card form" onSubmit={submit} noValidate={false}>
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={setEmail}
          readOnly={needTotp}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          readOnly={needTotp}
        />
        {needTotp ? (
          <TextField
            ref={codeRef}
            label="Authenticator code"
            hint="The 6-digit code from your authenticator app."
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]*"
            maxLength={7}
            required
            value={totp}
            onChange={setTotp}
          />
        ) : null}
        <Notice error={error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Sign in
          </button>
          {needTotp ? (
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                setNeedTotp(false);
                setTotp('');
                setError(null);
              }}
            >
              Use another account
            </button>
          ) : null}
        </div>
        <p>
          <Link to="/forgot">Forgot password?</Link>
        </p>
      </form>
    </Page>
  );
}
