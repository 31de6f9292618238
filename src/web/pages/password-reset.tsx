// "Forgot password?": ask for a link by email, and set a new password from that link.
import { useState, type FormEvent } from 'react';
import { errorMessage, request } from '../api.ts';
import { Page } from '../components/page.tsx';
import { Notice } from '../components/notice.tsx';
import { TextField } from '../components/fields.tsx';
import { Link, navigate } from '../router.tsx';
import { passwordHint } from '../format.ts';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSent(null);
    try {
      await request<void>('POST', '/api/auth/password-reset', { body: { email }, quiet: true });
      setSent(`If an account exists for ${email}, we sent a link to reset its password. The link works for a limited time.`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="Reset your password" narrow intro={<p>Enter the email you sign in with; we will send you a link.</p>}>
      <form className="card form" onSubmit={submit}>
        <TextField label="Email" type="email" autoComplete="email" required value={email} onChange={setEmail} />
        <Notice error={error} success={sent} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Send reset link
          </button>
        </div>
        <p>
          <Link to="/signin">Back to sign in</Link>
        </p>
      </form>
    </Page>
  );
}

export function ResetPasswordPage({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (password !== confirm) {
      setError('The two passwords are not the same.');
      return;
    }
    setBusy(true);
    try {
      await request<void>('POST', '/api/auth/password-reset/complete', { body: { token, password }, quiet: true });
      navigate('/signin', { replace: true, flash: 'Your password is changed. Sign in with the new one.' });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Page title="Choose a new password" narrow>
      <form className="card form" onSubmit={submit}>
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={passwordHint}
          required
          value={password}
          onChange={setPassword}
        />
        <TextField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={setConfirm}
        />
        <Notice error={error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Set password
          </button>
        </div>
        <p>
          <Link to="/forgot">Ask for a new link</Link>
        </p>
      </form>
    </Page>
  );
}
