// What the hub found in a draft warning, for the sender to confirm: the indicators pulled
// out of the pasted text (each can be left out), and the personal data to redact.
import { indicatorTypeLabel, type FoundIndicator, type PersonalDataFinding, type PreviewResult } from '../warning-types.ts';
import { Badge } from './bits.tsx';
import { CheckboxField } from './fields.tsx';

const personalDataLabels: Record<string, string> = {
  email: 'Email address',
  phone: 'Phone number',
  'person-name': 'Name of a person',
  'internal-hostname': 'Your own host name',
  'private-ip': 'Private IP address, or one of yours',
};

export function personalDataLabel(kind: string): string {
  const label = personalDataLabels[kind];
  if (label) return label;
  const words = kind.replace(/[-_]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The same placeholders as the hub's own redaction (src/stix/pii.ts). */
const placeholders: Record<string, string> = {
  email: '[REDACTED EMAIL]',
  phone: '[REDACTED PHONE]',
  'person-name': '[REDACTED NAME]',
  'internal-hostname': '[REDACTED HOSTNAME]',
  'private-ip': '[REDACTED IP]',
};

const fieldLabels: Record<PersonalDataFinding['field'], string> = {
  title: 'the title',
  details: 'the details',
  text: 'the pasted indicators',
};

/** The placeholder put in place of one finding. */
export function placeholderFor(finding: PersonalDataFinding): string {
  return placeholders[finding.kind] ?? '[REDACTED]';
}

/** Replaces one finding in the text: at its offsets when they still hold, else its first occurrence. */
export function redactOne(text: string, finding: PersonalDataFinding): string {
  let at = text.slice(finding.start, finding.end) === finding.text ? finding.start : text.indexOf(finding.text);
  if (at < 0) return text;
  return text.slice(0, at) + placeholderFor(finding) + text.slice(at + finding.text.length);
}

/** Indicators whose pasted form contains a finding from the pasted text. */
export function indicatorsMatching(found: FoundIndicator[], finding: PersonalDataFinding): number[] {
  const needle = finding.text.toLowerCase();
  return found.flatMap((i, index) =>
    i.original.toLowerCase().includes(needle) || needle.includes(i.original.toLowerCase()) || i.value.toLowerCase() === needle
      ? [index]
      : [],
  );
}

export interface IndicatorChecklistProps {
  preview: PreviewResult;
  checked: readonly boolean[];
  onChange(checked: boolean[]): void;
}

export function IndicatorChecklist({ preview, checked, onChange }: IndicatorChecklistProps) {
  const found = preview.indicators;
  const count = checked.filter(Boolean).length;
  return (
    <fieldset className="fieldset">
      <legend>
        Indicators found: {found.length}
        {found.length > 0 ? <span className="muted"> ({count} to send)</span> : null}
      </legend>
      {found.length === 0 ? (
        <p className="muted">No indicators were found in what you pasted. You can still send the warning.</p>
      ) : (
        <>
          <p className="hint">
            Shown defanged, so nothing here can be opened by mistake. Untick anything that is not part of the attack,
            such as your own servers.
          </p>
          <div className="indicator-checklist">
            {found.map((i, index) => (
              <CheckboxField
                key={`${i.type}|${i.value}|${index}`}
                label={
                  <>
                    <span className="indicator-type">{indicatorTypeLabel(i.type)}</span>{' '}
                    <code className="indicator-value">{i.defanged}</code>
                  </>
                }
                hint={i.note}
                checked={checked[index] ?? false}
                onChange={(on) => onChange(found.map((_, j) => (j === index ? on : checked[j] ?? false)))}
              />
            ))}
          </div>
        </>
      )}
      {preview.truncated ? (
        <p className="notice notice-error">
          More indicators were found than one warning can carry; only the first {found.length} are listed. Send the
          rest in another warning.
        </p>
      ) : null}
    </fieldset>
  );
}

export interface PersonalDataListProps {
  findings: PersonalDataFinding[];
  /** Indexes of findings already dealt with. */
  done: ReadonlySet<number>;
  onRedactAll(): void;
  onRedactOne(index: number): void;
}

export function PersonalDataList({ findings, done, onRedactAll, onRedactOne }: PersonalDataListProps) {
  const open = findings.filter((_, i) => !done.has(i)).length;
  // "Redact all" rewrites the title and details; what was found among the pasted indicators
  // may be the attacker's own address, so leaving it out stays a choice made one by one.
  const redactable = findings.filter((f, i) => !done.has(i) && f.field !== 'text').length;
  return (
    <section className="review-block" aria-labelledby="review-personal">
      <div className="section-head">
        <h3 id="review-personal">Personal data</h3>
        {redactable > 0 ? (
          <button type="button" className="button button-primary" onClick={onRedactAll}>
            Redact all
          </button>
        ) : null}
      </div>
      {findings.length === 0 ? (
        <p className="muted">No personal data found.</p>
      ) : (
        <>
          <p>
            {open > 0
              ? 'This looks like personal data or details of your own network. Recipients rarely need it: redact it unless it is part of the attack, such as the address an attacker wrote from.'
              : 'All personal data found is redacted or left out.'}
          </p>
          <ul className="finding-list">
            {findings.map((f, index) => (
              <li key={`${f.field}-${f.start}-${index}`}>
                <span>
                  <strong>{personalDataLabel(f.kind)}</strong> in {fieldLabels[f.field]}:{' '}
                  <code className="finding-text">{f.text}</code>
                </span>
                {done.has(index) ? (
                  <Badge tone="good">{f.field === 'text' ? 'Left out' : 'Redacted'}</Badge>
                ) : (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={`${f.field === 'text' ? 'Leave out' : 'Redact'} ${f.text}`}
                    onClick={() => onRedactOne(index)}
                  >
                    {f.field === 'text' ? 'Leave out' : 'Redact'}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
