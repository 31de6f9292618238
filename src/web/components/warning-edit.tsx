// The sender's controls on an active warning: update it (everyone who received it is told)
// and retract it with a reason. Both ask for confirmation first.
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage, seg } from '../api.ts';
import { parseLines } from '../format.ts';
import {
  indicatorTypeLabel,
  severities,
  severityLabels,
  type PreviewResult,
  type Warning,
  type WarningIndicator,
} from '../warning-types.ts';
import { ConfirmButton } from './bits.tsx';
import { CheckboxField, SelectField, TextAreaField, TextField } from './fields.tsx';
import { Notice } from './notice.tsx';
import { indicatorsMatching, IndicatorChecklist, PersonalDataList, redactOne } from './review-findings.tsx';

interface EditDraft {
  version: number;
  title: string;
  severity: string;
  services: string;
  details: string;
  keep: boolean[];
  added: string;
}

function toDraft(w: Warning): EditDraft {
  return {
    version: w.version,
    title: w.title,
    severity: w.severity,
    services: w.affectedServices.join(', '),
    details: w.details,
    keep: w.indicators.map(() => true),
    added: '',
  };
}

const severityOptions = severities.map((s) => ({ value: s, label: severityLabels[s] }));

export interface UpdateWarningProps {
  warning: Warning;
  onSaved(warning: Warning): void;
  onReload(): void;
}

export function UpdateWarning({ warning, onSaved, onReload }: UpdateWarningProps) {
  const [draft, setDraft] = useState<EditDraft | null>(null);
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [checked, setChecked] = useState<boolean[]>([]);
  const [done, setDone] = useState<ReadonlySet<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const close = () => {
    setDraft(null);
    setPreview(null);
    setError(null);
    setConflict(false);
  };

  const set = <K extends keyof EditDraft>(key: K) => (value: EditDraft[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));

  /** Step 1: find new indicators and personal data, like the first send. */
  const review = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    if (!draft.title.trim()) return setError('The title cannot be empty.');
    setBusy(true);
    try {
      const result = await api.post<PreviewResult>('/api/warnings/preview', { text: draft.added, details: draft.details, title: draft.title });
      setPreview(result);
      setChecked(result.indicators.map(() => true));
      setDone(new Set());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  /** Step 2, after "Yes, send the update". */
  const save = async () => {
    if (!draft || !preview) return;
    setError(null);
    const kept: WarningIndicator[] = warning.indicators.filter((_, i) => draft.keep[i]);
    const added = preview.indicators.filter((_, i) => checked[i]);
    const services = parseLines(draft.services);
    const patch: Record<string, unknown> = { version: draft.version };
    if (draft.title.trim() !== warning.title) patch.title = draft.title.trim();
    if (draft.severity !== warning.severity) patch.severity = draft.severity;
    if (draft.details !== warning.details) patch.details = draft.details;
    if (services.join('\n') !== warning.affectedServices.join('\n')) patch.affectedServices = services;
    if (added.length > 0 || kept.length !== warning.indicators.length) {
      patch.indicators = [...kept, ...added].map(({ type, value }) => ({ type, value }));
    }
    if (Object.keys(patch).length === 1) {
      close();
      setSaved('Nothing changed, so nothing was sent.');
      return;
    }
    setBusy(true);
    try {
      const updated = await api.patch<Warning>(`/api/warnings/${seg(warning.id)}`, patch);
      close();
      setSaved(`Update sent (version ${updated.version}). Everyone who received the warning is told.`);
      onSaved(updated);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'VERSION_CONFLICT') {
        setConflict(true);
        setError('Someone changed this warning after you started editing. Reload it to see their change, then make yours again.');
      } else {
        setError(errorMessage(e));
      }
    } finally {
      setBusy(false);
    }
  };

  const redactAll = () => {
    if (!preview) return;
    setDraft((d) => (d ? { ...d, details: preview.redacted.details ?? d.details, title: preview.redacted.title ?? d.title } : d));
    setDone((old) => new Set([...old, ...preview.personalData.flatMap((f, i) => (f.field === 'text' ? [] : [i]))]));
  };

  const redactFinding = (index: number) => {
    const f = preview?.personalData[index];
    if (!f) return;
    if (f.field === 'title' || f.field === 'details') {
      const field = f.field;
      setDraft((d) => (d ? { ...d, [field]: redactOne(d[field], f) } : d));
    } else {
      const leaveOut = new Set(indicatorsMatching(preview?.indicators ?? [], f));
      setChecked((old) => old.map((on, i) => on && !leaveOut.has(i)));
    }
    setDone((old) => new Set(old).add(index));
  };

  return (
    <section className="card" aria-labelledby="warning-update">
      <div className="section-head">
        <h2 id="warning-update">Update</h2>
        {!draft ? (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setDraft(toDraft(warning));
              setSaved(null);
            }}
          >
            Update warning
          </button>
        ) : null}
      </div>
      <Notice success={saved} />
      {!draft ? (
        <p className="muted">Correct or add to the warning. Everyone who received it gets the new version.</p>
      ) : (
        <form className="form" onSubmit={review}>
          {draft.version !== warning.version ? (
            <p className="notice notice-error">This warning changed while you were editing (now version {warning.version}).</p>
          ) : null}
          <TextField label="Title" required maxLength={200} value={draft.title} onChange={set('title')} disabled={!!preview} />
          <div className="grid-2">
            <SelectField label="Severity" value={draft.severity} options={severityOptions} onChange={set('severity')} disabled={!!preview} />
            <TextField label="Affected services" hint="Separate with commas." value={draft.services} onChange={set('services')} disabled={!!preview} />
          </div>
          <TextAreaField label="Details" rows={7} value={draft.details} onChange={set('details')} disabled={!!preview} />
          {warning.indicators.length > 0 ? (
            <fieldset className="fieldset" disabled={!!preview}>
              <legend>Indicators to keep</legend>
              <div className="indicator-checklist">
                {warning.indicators.map((i, index) => (
                  <CheckboxField
                    key={`${i.type}|${i.value}`}
                    label={
                      <>
                        <span className="indicator-type">{indicatorTypeLabel(i.type)}</span> <code className="indicator-value">{i.defanged}</code>
                      </>
                    }
                    checked={draft.keep[index] ?? true}
                    onChange={(on) => set('keep')(draft.keep.map((k, j) => (j === index ? on : k)))}
                  />
                ))}
              </div>
            </fieldset>
          ) : null}
          <TextAreaField
            label="Add indicators"
            rows={4}
            spellCheck={false}
            hint="Paste anything: URLs, IPs, hashes, defanged forms are fine."
            value={draft.added}
            onChange={set('added')}
            disabled={!!preview}
          />
          {preview ? (
            <>
              {preview.indicators.length > 0 ? <IndicatorChecklist preview={preview} checked={checked} onChange={setChecked} /> : null}
              <PersonalDataList findings={preview.personalData} done={done} onRedactAll={redactAll} onRedactOne={redactFinding} />
            </>
          ) : null}
          <Notice error={error} />
          <div className="form-actions">
            {conflict ? (
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  close();
                  onReload();
                }}
              >
                Reload the warning
              </button>
            ) : preview ? (
              <>
                <ConfirmButton
                  label="Send update"
                  question="Everyone who received the warning gets this version."
                  confirmLabel="Yes, send the update"
                  onConfirm={save}
                />
                <button type="button" className="button button-secondary" onClick={() => setPreview(null)}>
                  Back to edit
                </button>
              </>
            ) : (
              <>
                <button type="submit" className="button button-primary" disabled={busy}>
                  Review update
                </button>
                <button type="button" className="button button-secondary" onClick={close}>
                  Cancel
                </button>
              </>
            )}
          </div>
        </form>
      )}
    </section>
  );
}

export function RetractWarning({ warning, onRetracted }: { warning: Warning; onRetracted(warning: Warning): void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card card-danger" aria-labelledby="warning-retract">
      <h2 id="warning-retract">Retract</h2>
      <p>
        If the warning was a mistake, retract it. It stays on record marked as retracted, and everyone who received it
        is told, with your reason.
      </p>
      <div className="form">
        <TextAreaField label="Reason for retracting" required rows={3} value={reason} onChange={setReason} />
        <Notice error={error} />
        <div className="form-actions">
          <ConfirmButton
            label="Retract warning"
            question="Retract it for everyone?"
            confirmLabel="Yes, retract"
            danger
            disabled={reason.trim() === ''}
            onConfirm={async () => {
              setError(null);
              try {
                onRetracted(await api.post<Warning>(`/api/warnings/${seg(warning.id)}/retract`, { reason: reason.trim() }));
              } catch (e) {
                setError(errorMessage(e));
              }
            }}
          />
        </div>
      </div>
    </section>
  );
}
