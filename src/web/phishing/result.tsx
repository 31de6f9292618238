// One phishing-check result, for the person who checked the email: the verdict in words, the
// reasons, what to do next, what was found (defanged: nothing here is a live link), and the
// opt-in to share it with the hub's members. Everything from the email is rendered as text.
import { useState } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { CopyButton, Time } from '../components/bits.tsx';
import { Notice } from '../components/notice.tsx';
import { checkAreaLabels, megabytes, verdictExplanations, verdictHeadlines, type Finding, type PhishingCheck } from './types.ts';
import './phishing.css';

const severityOrder: Record<Finding['severity'], number> = { high: 0, medium: 1, low: 2, info: 3 };
const severityWords: Record<Finding['severity'], string> = { high: 'Strong sign', medium: 'Sign', low: 'Weak sign', info: 'Note' };

export function CheckResult({ check, receipt, receiptUrl, onChange }: { check: PhishingCheck; receipt: string; receiptUrl: string; onChange(check: PhishingCheck): void }) {
  const findings = [...check.findings].sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity] || b.weight - a.weight);
  const explanation = check.verdict === 'unreadable' && check.unreadableReason ? check.unreadableReason : verdictExplanations[check.verdict];
  return (
    <div className="check-result">
      <section className={`verdict verdict-${check.verdict}`} aria-labelledby="verdict-heading" data-testid="verdict">
        <p className="verdict-kicker">The check says:</p>
        <h2 id="verdict-heading" tabIndex={-1}>
          {verdictHeadlines[check.verdict]}
        </h2>
        <p className="verdict-explanation">{explanation}</p>
        {check.summary && check.summary !== explanation ? <p>{check.summary}</p> : null}
        {check.subject || check.senderDomain ? (
          <p className="verdict-email">
            {check.subject ? <>About the email “{check.subject}”</> : 'About the email'}
            {check.senderDomain ? <> from {check.senderDomain.replaceAll('.', '[.]')}</> : null}
          </p>
        ) : null}
        {check.truncated ? <p className="verdict-note">Not every check could run in time: treat this answer with extra care.</p> : null}
      </section>

      {check.advice.length ? (
        <section className="card" aria-labelledby="advice-heading">
          <h2 id="advice-heading">What to do next</h2>
          <ol className="advice-list">
            {check.advice.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ol>
        </section>
      ) : null}

      {findings.length ? (
        <section className="card" aria-labelledby="why-heading">
          <h2 id="why-heading">Why</h2>
          <ul className="finding-list">
            {findings.map((f) => (
              <li key={f.id} className={`finding finding-${f.severity}`}>
                <p className="finding-title">
                  <span className="finding-area">
                    {severityWords[f.severity]} · {checkAreaLabels[f.area] ?? f.area}
                  </span>
                  <strong>{f.title}</strong>
                </p>
                <p>{f.detail}</p>
                {f.evidence?.length ? (
                  <ul className="evidence">
                    {f.evidence.map((e) => (
                      <li key={e}>
                        <code>{e}</code>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {check.indicators.length || check.attachments.length ? <FoundInEmail check={check} /> : null}

      {check.verdict !== 'unreadable' ? <ShareWithHub check={check} receipt={receipt} onShared={onChange} /> : null}

      <section className="card" aria-labelledby="receipt-heading">
        <h2 id="receipt-heading">Your link to this result</h2>
        <p>
          Keep it to come back to this result, or to share the email with the hub later. Anyone with the link can see the result, so keep it to
          yourself.
        </p>
        <div className="secret-row">
          <code className="secret receipt-link" data-testid="receipt-link">
            {receiptUrl}
          </code>
          <CopyButton text={receiptUrl} label="Copy link" what="the link to this result" />
        </div>
        <p className="muted">
          Checked <Time iso={check.createdAt} />.
        </p>
      </section>
    </div>
  );
}

function FoundInEmail({ check }: { check: PhishingCheck }) {
  return (
    <section className="card" aria-labelledby="found-heading">
      <h2 id="found-heading">What the email contains</h2>
      {check.indicators.length ? (
        <>
          <p className="hint">Links and addresses are made safe to show (hxxp, [.]): they do not work if tapped. Do not type them in.</p>
          <ul className="found-list">
            {check.indicators.map((i) => (
              <li key={`${i.type}|${i.value}`}>
                <span className="found-origin">{originWords[i.origin] ?? i.origin}</span>
                <code className="indicator-value">{i.defanged}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {check.attachments.length ? (
        <>
          <h3>Attachments</h3>
          <ul className="found-list">
            {check.attachments.map((a) => (
              <li key={a.sha256}>
                <span className="found-origin">
                  {a.name ?? 'Attachment'} · {a.contentType} · {a.size < 1_048_576 ? `${Math.ceil(a.size / 1024)} KB` : megabytes(a.size)}
                  {a.flags.length ? ` · ${a.flags.join(', ')}` : ''}
                </span>
                <code className="indicator-value">SHA-256 {a.sha256}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

const originWords: Record<string, string> = {
  link: 'Link',
  sender: 'Sender',
  'reply-to': 'Replies go to',
  attachment: 'In an attachment',
  body: 'In the text',
  received: 'Sent through',
};

function ShareWithHub({ check, receipt, onShared }: { check: PhishingCheck; receipt: string; onShared(check: PhishingCheck): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (check.shared) {
    return (
      <section className="card" aria-labelledby="share-heading">
        <h2 id="share-heading">Shared with the hub</h2>
        <p role="status">
          Thank you: you shared this email with the hub&rsquo;s members on <Time iso={check.shared.at} />. They can now warn others about it.
        </p>
      </section>
    );
  }
  const share = async () => {
    setBusy(true);
    setError(null);
    try {
      onShared(await api.post<PhishingCheck>(`/api/phishing/checks/${seg(receipt)}/share`, {}));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="share-heading">
      <h2 id="share-heading">Help warn others</h2>
      <p>
        You can share this email with the security teams of the hub&rsquo;s member organisations, so they can block it and warn their staff and
        residents. They see the verdict, the subject (names and addresses removed), and the links and file fingerprints found, as coming from
        &ldquo;a resident&rdquo;: never your name or address, nor the text of the email.
      </p>
      <Notice error={error} />
      <button type="button" className="button button-primary" disabled={busy} onClick={() => void share()}>
        Share with the hub
      </button>
    </section>
  );
}
