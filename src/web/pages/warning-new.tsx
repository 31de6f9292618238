// "Report an attack": step 1 says what happened; step 2 shows what the hub found in it
// (indicators to confirm, personal data to redact) and who will receive it, then sends.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage } from '../api.ts';
import { SelectField, TextAreaField, TextField } from '../components/fields.tsx';
import { Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { parseLines } from '../format.ts';
import { indicatorsMatching, IndicatorChecklist, PersonalDataList, redactOne } from '../components/review-findings.tsx';
import { emptySharing, SharingFields, sharingProblem, toAudience, type SharingDraft } from '../components/sharing-fields.tsx';
import { audienceSummary } from '../components/warning-card.tsx';
import { Link, navigate } from '../router.tsx';
import { warningDraftFrom } from '../phishing/draft.ts';
import { canReport, useMe } from '../session.tsx';
import {
  severities,
  severityLabels,
  warningKindLabel,
  warningKindLabels,
  warningKinds,
  type PreviewResult,
  type Warning,
} from '../warning-types.ts';

interface Draft {
  kind: string;
  startedAt: string;
  severity: string;
  services: string;
  title: string;
  details: string;
  indicators: string;
}

const emptyDraft: Draft = { kind: '', startedAt: '', severity: 'medium', services: '', title: '', details: '', indicators: '' };

const kindOptions = [{ value: '', label: 'Choose what happened' }, ...warningKinds.map((k) => ({ value: k, label: warningKindLabels[k] }))];
const severityOptions = severities.map((s) => ({ value: s, label: severityLabels[s] }));

/** datetime-local gives local time without a zone; the hub wants an instant. */
function toIso(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function NewWarningPage() {
  const me = useMe();
  const [step, setStep] = useState<'describe' | 'review'>('describe');
  // A campaign promoted from the phishing reports arrives prefilled (?draft=…).
  const [draft, setDraft] = useState<Draft>(() => ({ ...emptyDraft, ...warningDraftFrom(window.location.search) }));
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [checked, setChecked] = useState<boolean[]>([]);
  const [done, setDone] = useState<ReadonlySet<number>>(new Set());
  const [sharing, setSharing] = useState<SharingDraft>(emptySharing);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    stepHeading.current?.focus();
    stepHeading.current?.scrollIntoView({ block: 'start' });
  }, [step]);

  if (!canReport(me)) {
    return (
      <Page title="Report an attack">
        <p>
          Only analysts and administrators of member organisations can send warnings. Ask your organisation&rsquo;s
          administrator if you need to.
        </p>
        <p>
          <Link to="/warnings">Back to warnings</Link>
        </p>
      </Page>
    );
  }

  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const review = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!draft.kind) return setError('Choose what kind of attack it is.');
    if (!draft.title.trim()) return setError('Give the warning a title.');
    if (draft.startedAt && !toIso(draft.startedAt)) return setError('The start time is not a date and time.');
    setBusy(true);
    try {
      const result = await api.post<PreviewResult>('/api/warnings/preview', {
        text: draft.indicators,
        details: draft.details,
        title: draft.title,
      });
      setPreview(result);
      setChecked(result.indicators.map(() => true));
      setDone(new Set());
      setStep('review');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const redactAll = () => {
    if (!preview) return;
    setDraft((d) => ({
      ...d,
      details: preview.redacted.details ?? d.details,
      title: preview.redacted.title ?? d.title,
    }));
    // Findings among the pasted indicators stay for the sender to leave out one by one.
    setDone((old) => new Set([...old, ...preview.personalData.flatMap((f, i) => (f.field === 'text' ? [] : [i]))]));
  };

  const redactFinding = (index: number) => {
    const finding = preview?.personalData[index];
    if (!preview || !finding) return;
    if (finding.field === 'text') {
      const leaveOut = new Set(indicatorsMatching(preview.indicators, finding));
      setChecked((old) => old.map((on, i) => on && !leaveOut.has(i)));
    } else {
      const field = finding.field;
      setDraft((d) => ({ ...d, [field]: redactOne(d[field], finding) }));
    }
    setDone((old) => new Set(old).add(index));
  };

  const send = async () => {
    setError(null);
    const problem = sharingProblem(sharing);
    if (problem) return setError(problem);
    if (!preview) return setStep('describe');
    setBusy(true);
    try {
      const created = await api.post<Warning>('/api/warnings', {
        title: draft.title.trim(),
        kind: draft.kind,
        severity: draft.severity,
        startedAt: toIso(draft.startedAt),
        affectedServices: parseLines(draft.services),
        details: draft.details,
        indicators: preview.indicators.filter((_, i) => checked[i]).map(({ type, value }) => ({ type, value })),
        tlp: sharing.tlp,
        audience: toAudience(sharing),
        anonymous: sharing.anonymous,
      });
      navigate(`/warnings/${encodeURIComponent(created.id)}`, { flash: `Warning sent. ${audienceSummary(created)}.` });
    } catch (e) {
      const message = errorMessage(e);
      setError(e instanceof ApiError && e.code === 'INDICATOR_INVALID' ? `${message} Untick it above and send again.` : message);
      setBusy(false);
    }
  };

  const steps = (
    <ol className="step-bar" aria-label="Steps">
      <li aria-current={step === 'describe' ? 'step' : undefined}>What happened</li>
      <li aria-current={step === 'review' ? 'step' : undefined}>Review and share</li>
    </ol>
  );

  if (step === 'describe') {
    return (
      <Page title="Report an attack" intro={<p>Tell your peers what you are seeing. They get the warning at once.</p>}>
        {steps}
        <form className="card form" onSubmit={review} noValidate>
          <h2 ref={stepHeading} tabIndex={-1}>
            Step 1 of 2: What happened
          </h2>
          <div className="grid-3">
            <SelectField label="Kind" required value={draft.kind} options={kindOptions} onChange={set('kind')} />
            <SelectField label="Severity" value={draft.severity} options={severityOptions} onChange={set('severity')} />
            <TextField
              label="When did it start?"
              type="datetime-local"
              hint="Your local time. Leave empty if you do not know."
              value={draft.startedAt}
              onChange={set('startedAt')}
            />
          </div>
          <TextField label="Title" required maxLength={200} autoComplete="off" hint="One line, for example “Invoice phishing from a spoofed county address”." value={draft.title} onChange={set('title')} />
          <TextField
            label="Affected services"
            autoComplete="off"
            hint="Separate with commas, for example: email, payroll, 311 phone line."
            value={draft.services}
            onChange={set('services')}
          />
          <TextAreaField
            label="Details"
            rows={7}
            hint="What happened, what you saw, what you did about it. Plain text."
            value={draft.details}
            onChange={set('details')}
          />
          <TextAreaField
            label="Indicators"
            rows={7}
            spellCheck={false}
            hint="Paste anything: URLs, IPs, hashes, defanged forms are fine (hxxp://, example[.]com). You confirm what was found in the next step."
            value={draft.indicators}
            onChange={set('indicators')}
          />
          <Notice error={error} />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Review
            </button>
            <Link to="/warnings" className="button button-secondary">
              Cancel
            </Link>
          </div>
        </form>
      </Page>
    );
  }

  const services = parseLines(draft.services);
  return (
    <Page title="Report an attack" intro={<p>Check what will be sent and choose who receives it.</p>}>
      {steps}
      <section className="card form" aria-labelledby="review-step">
        <h2 id="review-step" ref={stepHeading} tabIndex={-1}>
          Step 2 of 2: Review and share
        </h2>
        <dl className="details">
          <div>
            <dt>Title</dt>
            <dd>{draft.title}</dd>
          </div>
          <div>
            <dt>Kind</dt>
            <dd>{warningKindLabel(draft.kind)}</dd>
          </div>
          <div>
            <dt>Severity</dt>
            <dd>{severityLabels[draft.severity as keyof typeof severityLabels] ?? draft.severity}</dd>
          </div>
          <div>
            <dt>Affected services</dt>
            <dd>{services.length ? services.join(', ') : <span className="muted">None given</span>}</dd>
          </div>
        </dl>
        <div>
          <h3 id="review-details">Details</h3>
          {draft.details.trim() ? (
            // A long text scrolls in its box: focusable, so that keyboard users can scroll it too.
            <div className="pre-wrap boxed" role="region" aria-labelledby="review-details" tabIndex={0}>
              {draft.details}
            </div>
          ) : (
            <p className="muted">None given.</p>
          )}
        </div>
        {preview ? (
          <>
            <IndicatorChecklist preview={preview} checked={checked} onChange={setChecked} />
            <PersonalDataList findings={preview.personalData} done={done} onRedactAll={redactAll} onRedactOne={redactFinding} />
          </>
        ) : null}
        <h3>Sharing</h3>
        <SharingFields draft={sharing} onChange={setSharing} />
        <Notice error={error} />
        <div className="form-actions">
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void send()}>
            Send warning
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => {
              setError(null);
              setStep('describe');
            }}
          >
            Back to edit
          </button>
        </div>
      </section>
    </Page>
  );
}
