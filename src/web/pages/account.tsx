// The signed-in user's own account: email alerts, password and two-factor sign-in. When the hub
// requires an authenticator for admins, this is the only page they can use until it is set up.
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { Badge } from '../components/bits.tsx';
import { TextField } from '../components/fields.tsx';
import { Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { passwordHint } from '../format.ts';
import { navigate } from '../router.tsx';
import { useMe, useSession } from '../session.tsx';
import type { TotpSetup } from '../types.ts';
import { EmailAlerts } from './account-alerts.tsx';
import { roleLabel } from './org-people.tsx';

export function AccountPage() {
  const me = useMe();
  const { user } = me;
  return (
    <Page title="Your account">
      {user.mustEnrolTotp ? (
        <div className="callout callout-warn">
          <p>
            <strong>Set up two-factor sign-in to continue.</strong> This hub requires administrators to use an
            authenticator app. The rest of the hub opens once it is on.
          </p>
        </div>
      ) : null}
      <section className="card" aria-labelledby="account-who">
        <h2 id="account-who">Profile</h2>
        <dl className="details">
          <div>
            <dt>Name</dt>
            <dd>{user.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd className="break">{user.email}</dd>
          </div>
          <div>
            <dt>Organisation</dt>
            <dd>{me.organisation?.name ?? <span className="muted">None</span>}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>
              {user.role ? roleLabel(user.role) : null}
              {user.isOperator ? (
                <>
                  {user.role ? ' · ' : null}
                  Hub operator
                </>
              ) : null}
              {!user.role && !user.isOperator ? <span className="muted">—</span> : null}
            </dd>
          </div>
        </dl>
      </section>
      {user.mustEnrolTotp ? null : <EmailAlerts />}
      <TwoFactor />
      <ChangePassword />
    </Page>
  );
}

function toDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** The base32 secret in groups of four, easier to type into a phone. */
function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

function TwoFactor() {
  const me = useMe();
  const { refresh } = useSession();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});

  const start = async () => {
    setBusy(true);
    setMessage({});
    try {
      setSetup(await api.post<TotpSetup>('/api/me/totp/setup'));
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const enable = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage({});
    try {
      await api.post<void>('/api/me/totp/enable', { code: code.replace(/\s+/g, '') });
      const wasForced = me.user.mustEnrolTotp;
      setSetup(null);
      setCode('');
      await refresh();
      if (wasForced) navigate('/', { flash: 'Two-factor sign-in is on. Welcome to the hub.' });
      else setMessage({ success: 'Two-factor sign-in is on. You will need the app each time you sign in.' });
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const disable = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage({});
    try {
      await api.post<void>('/api/me/totp/disable', { password });
      setPassword('');
      await refresh();
      setMessage({ success: 'Two-factor sign-in is off.' });
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="account-2fa">
      <div className="section-head">
        <h2 id="account-2fa">Two-factor sign-in</h2>
        {me.user.totpEnabled ? <Badge tone="good">On</Badge> : <Badge tone="warn">Off</Badge>}
      </div>
      {me.user.totpEnabled ? (
        <form className="form" onSubmit={disable}>
          <p>You sign in with your password and a code from your authenticator app.</p>
          <TextField
            label="Password"
            hint="To turn two-factor sign-in off, confirm your password."
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={setPassword}
          />
          <Notice error={message.error} success={message.success} />
          <div className="form-actions">
            <button type="submit" className="button button-danger" disabled={busy}>
              Turn off two-factor
            </button>
          </div>
        </form>
      ) : setup ? (
        <form className="form" onSubmit={enable}>
          <ol className="steps">
            <li>
              <p>Scan this code with an authenticator app (for example FreeOTP, Aegis, Google or Microsoft Authenticator).</p>
              <img
                className="qr"
                src={toDataUrl(setup.qrSvg)}
                width={200}
                height={200}
                alt="QR code to add this account to an authenticator app. The setup key below holds the same secret."
              />
              <p>
                Cannot scan? Enter this setup key instead:{' '}
                <code className="secret secret-inline" data-testid="totp-secret">
                  {groupSecret(setup.secret)}
                </code>
              </p>
            </li>
            <li>
              <TextField
                label="Authenticator code"
                hint="Type the 6-digit code the app shows."
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={7}
                required
                value={code}
                onChange={setCode}
              />
            </li>
          </ol>
          <Notice error={message.error} success={message.success} />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Turn on two-factor
            </button>
            <button type="button" className="button button-secondary" onClick={() => setSetup(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <p>
            Protect your account with a code from an authenticator app on your phone, in addition to your
            password.
          </p>
          <Notice error={message.error} success={message.success} />
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void start()}>
            Set up authenticator
          </button>
        </>
      )}
    </section>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage({});
    if (next !== confirm) {
      setMessage({ error: 'The two new passwords are not the same.' });
      return;
    }
    setBusy(true);
    try {
      await api.post<void>('/api/me/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      setMessage({ success: 'Your password is changed.' });
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="account-password">
      <h2 id="account-password">Change password</h2>
      <form className="form" onSubmit={submit}>
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={setCurrent}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={passwordHint}
          required
          value={next}
          onChange={setNext}
        />
        <TextField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={setConfirm}
        />
        <Notice error={message.error} success={message.success} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}
