// Small shared pieces: badges, dates, the copy button, two-step confirmation, and the
// box that shows an invitation link.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { formatDateTime } from '../format.ts';

export type Tone = 'good' | 'neutral' | 'warn' | 'bad' | 'info';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">—</span>;
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context; fall back to a hidden textarea.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 4000);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <span className="copy">
      <button
        type="button"
        className="button button-secondary button-small"
        aria-label={what ? `${label} ${what}` : undefined}
        onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
      >
        {label}
      </button>
      <span role="status" className="copy-status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text and copy it' : ''}
      </span>
    </span>
  );
}

export interface ConfirmButtonProps {
  /** The first button, e.g. "Delete organisation". */
  label: string;
  /** The question shown after the first click. */
  question: ReactNode;
  /** The button that does it, e.g. "Yes, delete". */
  confirmLabel: string;
  onConfirm(): Promise<unknown> | void;
  danger?: boolean;
  small?: boolean;
  /** Accessible name of the first button when the visible label is not enough (table rows). */
  ariaLabel?: string;
  /** The first button cannot be pressed yet (a required field is empty). */
  disabled?: boolean;
}

/**
 * Asks in the page rather than with window.confirm(), which screen readers, phones and
 * automated browsers all handle badly.
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, danger, small, ariaLabel, disabled }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const size = small ? ' button-small' : '';

  const wasAsking = useRef(false);
  useEffect(() => {
    // Focus follows the question: onto "Yes" when it opens, back to the button when cancelled.
    if (asking) confirmRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={openRef}
        type="button"
        className={`button ${danger ? 'button-danger-outline' : 'button-secondary'}${size}`}
        aria-label={ariaLabel}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={ariaLabel ?? label}>
      <span className="confirm-question">{question}</span>
      <button
        ref={confirmRef}
        type="button"
        className={`button ${danger ? 'button-danger' : 'button-primary'}${size}`}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void Promise.resolve(onConfirm()).finally(() => {
            setBusy(false);
            setAsking(false);
          });
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className={`button button-secondary${size}`} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** After an invitation is created: the link, for when mail is slow or not set up. */
export function InviteLink({ email, url, emailSent }: { email: string; url: string; emailSent: boolean }) {
  return (
    <div className="callout callout-success">
      {emailSent ? (
        <p>
          <strong>Invitation sent to {email}.</strong> If the email does not arrive, send them this link
          yourself:
        </p>
      ) : (
        <p>
          <strong>Invitation created for {email}.</strong> This hub does not send email, so send them this link
          yourself:
        </p>
      )}
      <div className="secret-row">
        <code className="secret" data-testid="invite-url">
          {url}
        </code>
        <CopyButton text={url} what="invitation link" />
      </div>
    </div>
  );
}
