// "Is this email safe?": the public, phone-first phishing check. Anyone uploads the saved
// email (.eml, .msg) or pastes its source and gets the verdict in plain words; no account.
// Also explains how to get the raw email out of common mail programs, and the mailbox.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorMessage, request } from '../api.ts';
import { TextAreaField } from '../components/fields.tsx';
import { Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { HowToSave } from '../phishing/how-to.tsx';
import { CheckResult } from '../phishing/result.tsx';
import { megabytes, type PhishingInfo, type Submission } from '../phishing/types.ts';
import { useApi } from '../use-api.ts';
import '../phishing/phishing.css';

/** The content type the API expects for a chosen file. */
function typeOf(file: File): string {
  const name = file.name.toLowerCase();
  if (name.endsWith('.msg')) return 'application/vnd.ms-outlook';
  if (name.endsWith('.eml')) return 'message/rfc822';
  return 'application/octet-stream';
}

/** The installable app: a service worker that never caches API answers (see public/check-sw.js). */
export function useCheckServiceWorker(): void {
  useEffect(() => {
    if ('serviceWorker' in navigator) navigator.serviceWorker.register('/check-sw.js', { scope: '/check' }).catch(() => {});
  }, []);
}

export function CheckPage() {
  useCheckServiceWorker();
  const info = useApi<PhishingInfo>('/api/phishing/info');
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Submission | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const resultTop = useRef<HTMLDivElement>(null);
  const maxBytes = info.data?.maxBytes ?? 10 * 1_048_576;

  useEffect(() => {
    if (!result) return;
    resultTop.current?.scrollIntoView({ block: 'start' });
    document.getElementById('verdict-heading')?.focus();
  }, [result]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!file && !source.trim()) return setError('Choose the saved email file, or paste the whole message source.');
    if (file && file.size > maxBytes) return setError(`This file is larger than ${megabytes(maxBytes)}: save the email without large attachments, or forward it instead.`);
    setBusy(true);
    try {
      const answer = file
        ? await request<Submission>('POST', '/api/phishing/checks', { raw: { data: file, type: typeOf(file) }, quiet: true })
        : await request<Submission>('POST', '/api/phishing/checks', { body: { source }, quiet: true });
      setResult(answer);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setResult(null);
    setFile(null);
    setSource('');
    if (fileInput.current) fileInput.current.value = '';
    window.scrollTo(0, 0);
  };

  const mailbox = info.data?.mailbox ?? null;
  return (
    <Page
      title="Is this email safe?"
      narrow
      intro={<p>Check a suspicious email for signs of phishing and scams. Free, no account needed. The answer comes in plain words, with what to do next.</p>}
    >
      {result ? (
        <div ref={resultTop}>
          <CheckResult
            check={result.check}
            receipt={result.receipt}
            receiptUrl={`${window.location.origin}/check/r/${result.receipt}`}
            onChange={(check) => setResult({ ...result, check })}
          />
          <p>
            <button type="button" className="button button-secondary" onClick={again}>
              Check another email
            </button>
          </p>
        </div>
      ) : (
        <>
          <form className="card form check-form" onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor="check-file">The saved email file</label>
              <p className="hint" id="check-file-hint">
                An .eml or Outlook .msg file, up to {megabytes(maxBytes)}. See below how to save it.
              </p>
              <input
                ref={fileInput}
                id="check-file"
                type="file"
                accept=".eml,.msg,message/rfc822,application/vnd.ms-outlook"
                aria-describedby="check-file-hint"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </div>
            <p className="or-line" aria-hidden="true">
              or
            </p>
            <TextAreaField
              label="Paste the message source"
              hint="The whole original message, starting with lines like “Received:” or “From:”. A copy of the text you read is not enough."
              rows={6}
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              value={source}
              onChange={setSource}
              disabled={file !== null}
            />
            <Notice error={error} />
            <div className="form-actions">
              <button type="submit" className="button button-primary button-large" disabled={busy}>
                {busy ? 'Checking…' : 'Check this email'}
              </button>
            </div>
            <p className="muted small">Do not click links in the email while you wait. Checking never opens them.</p>
          </form>

          {mailbox ? (
            <section className="card" aria-labelledby="forward-heading">
              <h2 id="forward-heading">Or forward it to us</h2>
              <p>
                Forward the email <strong>as an attachment</strong> to <strong className="mono break">{mailbox}</strong>. The answer comes back to you
                by email within a few minutes.
              </p>
            </section>
          ) : null}

          <HowToSave mailbox={mailbox} />

          <section className="card" aria-labelledby="privacy-heading">
            <h2 id="privacy-heading">What happens to the email</h2>
            <p>
              The hub keeps the verdict, the links, addresses and file fingerprints the check found, and the subject with names and addresses
              removed, for {info.data?.retentionDays ?? 90} days. It never keeps your name or address.{' '}
              {info.data && info.data.keepsRawDays > 0
                ? `The email itself is kept for ${info.data.keepsRawDays} days so that the hub's analysts can look at it.`
                : 'The email itself is not kept.'}{' '}
              Nothing is shared with anyone unless you choose to, after the check.
            </p>
          </section>
        </>
      )}
    </Page>
  );
}
