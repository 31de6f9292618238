// Accept an invitation: see who invited you to what, choose a name and password, and
// arrive signed in.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, errorMessage, request, seg } from '../api.ts';
import { Page } from '../components/page.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { TextField } from '../components/fields.tsx';
import { Link, navigate } from '../router.tsx';
import { passwordHint } from '../format.ts';
import { useSession } from '../session.tsx';
import type { InvitationPreview, SignedIn } from '../types.ts';

const roleWords = { admin: 'an admin', analyst: 'an analyst', member: 'a member' } as const;

export function AcceptInvitationPage({ token }: { token: string }) {
  const { signedIn } = useSession();
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    request<InvitationPreview>('GET', `/api/invitations/by-token/${seg(token)}`, {
      signal: controller.signal,
      quiet: true,
    })
      .then(setPreview)
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setLoadError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', errorMessage(e)));
      });
    return () => controller.abort();
  }, [token]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (password !== confirm) {
      setError('The two passwords are not the same.');
      return;
    }
    setBusy(true);
    try {
      const result = await request<SignedIn>('POST', `/api/invitations/by-token/${seg(token)}/accept`, {
        body: { name: name.trim(), password },
        quiet: true,
      });
      const me = await signedIn(result);
      navigate(me?.user.mustEnrolTotp ? '/account' : '/', {
        replace: true,
        flash: `Welcome to Tocsin, ${result.user.name}.`,
      });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  if (loadError) {
    const expired = loadError.code === 'LINK_EXPIRED';
    return (
      <Page title={expired ? 'This invitation has expired' : 'This invitation cannot be used'} narrow>
        <div className="card">
          <Notice error={loadError.message} />
          <p>
            {expired
              ? 'Ask the person who invited you to send a new invitation.'
              : 'It may have been used already or withdrawn. If you already have an account, sign in.'}
          </p>
          <p>
            <Link to="/signin">Go to sign in</Link>
          </p>
        </div>
      </Page>
    );
  }

  if (!preview) {
    return (
      <Page title="Accept invitation" narrow>
        <LoadState loading error={null} what="the invitation" />
      </Page>
    );
  }

  return (
    <Page
      title="Accept invitation"
      narrow
      intro={
        <p>
          {preview.isOperator ? (
            <>You are invited to run this hub as an <strong>operator</strong>.</>
          ) : (
            <>
              You are invited to join{' '}
              <strong>{preview.organisationName ?? 'an organisation'}</strong>
              {preview.role ? <> as {roleWords[preview.role]}</> : null}.
            </>
          )}{' '}
          Your account will use the email <strong>{preview.email}</strong>.
        </p>
      }
    >
      <form className="card form" onSubmit={submit}>
        <TextField label="Your name" autoComplete="name" required value={name} onChange={setName} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={passwordHint}
          required
          value={password}
          onChange={setPassword}
        />
        <TextField
          label="Confirm password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={setConfirm}
        />
        <Notice error={error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Accept invitation
          </button>
        </div>
      </form>
    </Page>
  );
}
