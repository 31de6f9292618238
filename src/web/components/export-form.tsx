// The form for an export, to save a new one or change one: its format (from the hub's own list,
// with the types each carries), which values it carries, and the options only some formats take.
// The hub checks everything again; its refusals are shown as the feed form shows them.
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, seg } from '../api.ts';
import {
  defaultTlpCeiling,
  exportSourceKinds,
  formatOptionKeys,
  sourceKindLabels,
  type Export,
  type ExportFormat,
  type ExportInput,
  type ExportOptions,
  type ExportSourceKind,
} from '../export-types.ts';
import { useMe } from '../session.tsx';
import type { ListOf, Org } from '../types.ts';
import { useApi } from '../use-api.ts';
import { indicatorTypeLabel, tlpLabel, tlps, type Tlp } from '../warning-types.ts';
import { CheckList } from './check-list.tsx';
import { problemText } from './feed-form.tsx';
import { CheckboxField, RadioField, SelectField, TextField } from './fields.tsx';
import { Notice } from './notice.tsx';
import { TlpBadge } from './tlp-badge.tsx';

interface Draft {
  name: string;
  format: string;
  orgId: string;
  types: string[];
  minConfidence: string;
  maxAgeDays: string;
  tlpCeiling: Tlp;
  sourceKinds: string[];
  sightedOnly: boolean;
  columns: string[];
  domainWildcards: boolean;
  rpzTtl: string;
  rpzZone: string;
  iprepCategory: string;
  staleAfterHours: string;
}

const numberText = (n: number | undefined) => (n === undefined ? '' : String(n));

function toDraft(exp: Export | undefined, formats: readonly ExportFormat[]): Draft {
  const o = exp?.options ?? {};
  return {
    name: exp?.name ?? '',
    format: exp?.format ?? formats[0]?.id ?? '',
    orgId: '',
    types: o.types ?? [],
    minConfidence: numberText(o.minConfidence),
    maxAgeDays: numberText(o.maxAgeDays),
    tlpCeiling: o.tlpCeiling ?? defaultTlpCeiling,
    sourceKinds: o.sourceKinds ?? [],
    sightedOnly: o.sightedOnly ?? false,
    columns: o.columns ?? [],
    domainWildcards: o.domainWildcards ?? false,
    rpzTtl: numberText(o.rpzTtl),
    rpzZone: o.rpzZone ?? '',
    iprepCategory: numberText(o.iprepCategory),
    staleAfterHours: String(exp?.staleAfterHours ?? 48),
  };
}

/** A whole number typed in a field; 'empty' when nothing is typed, null when it is not one. */
function wholeNumber(text: string): number | null | 'empty' {
  const t = text.trim();
  if (!t) return 'empty';
  return /^\d+$/.test(t) ? Number(t) : null;
}

const ceilingLabels: Record<Tlp, string> = {
  clear: 'TLP:CLEAR only',
  green: 'Up to TLP:GREEN',
  amber: 'Up to TLP:AMBER',
  'amber+strict': 'Up to TLP:AMBER+STRICT (default)',
  red: 'Up to TLP:RED',
};

/** The request body, or the first thing to fix before sending it. */
function toInput(d: Draft, format: ExportFormat | undefined, keep: ExportOptions, needsOrg: boolean): { input: ExportInput } | { problem: string } {
  if (!d.name.trim()) return { problem: 'Give the export a name.' };
  if (!format) return { problem: 'Choose a format.' };
  if (needsOrg && !d.orgId) return { problem: 'Choose the organisation whose devices fetch it.' };
  const extra = formatOptionKeys[format.id] ?? [];
  const numbers: Array<[string, string, boolean]> = [
    ['Minimum confidence', d.minConfidence, true],
    ['Maximum age (days)', d.maxAgeDays, true],
    ['Stale after (hours)', d.staleAfterHours, false],
    ...(extra.includes('rpzTtl') ? [['Record TTL (seconds)', d.rpzTtl, true] as [string, string, boolean]] : []),
    ...(extra.includes('iprepCategory') ? [['Category number', d.iprepCategory, true] as [string, string, boolean]] : []),
  ];
  for (const [label, text, optional] of numbers) {
    const n = wholeNumber(text);
    if (n === null || (n === 'empty' && !optional)) return { problem: `${label}: type a whole number${optional ? ', or leave it empty' : ''}.` };
  }
  const number = (text: string) => {
    const n = wholeNumber(text);
    return typeof n === 'number' ? n : undefined;
  };
  const types = d.types.filter((t) => format.types.includes(t));
  const columns = format.columns ? d.columns.filter((c) => format.columns!.includes(c)) : [];
  // Only what is set: an option left out means "no limit" (or the format's default) to the hub.
  const options: ExportOptions = { tlpCeiling: d.tlpCeiling };
  if (types.length) options.types = types;
  if (number(d.minConfidence) !== undefined) options.minConfidence = number(d.minConfidence);
  if (number(d.maxAgeDays) !== undefined) options.maxAgeDays = number(d.maxAgeDays);
  if (d.sourceKinds.length) options.sourceKinds = d.sourceKinds as ExportSourceKind[];
  if (d.sightedOnly) options.sightedOnly = true;
  // Set through the API only: kept as they are when the form saves.
  if (keep.feedIds?.length) options.feedIds = keep.feedIds;
  if (keep.groupIds?.length) options.groupIds = keep.groupIds;
  if (columns.length) options.columns = columns;
  if (extra.includes('domainWildcards') && d.domainWildcards) options.domainWildcards = true;
  if (extra.includes('rpzTtl') && number(d.rpzTtl) !== undefined) options.rpzTtl = number(d.rpzTtl);
  if (extra.includes('rpzZone') && d.rpzZone.trim()) options.rpzZone = d.rpzZone.trim();
  if (extra.includes('iprepCategory') && number(d.iprepCategory) !== undefined) options.iprepCategory = number(d.iprepCategory);
  const input: ExportInput = { name: d.name.trim(), format: format.id, options, staleAfterHours: Number(d.staleAfterHours) };
  if (needsOrg) input.orgId = d.orgId;
  return { input };
}

/** "IPv4 address, IPv6 address and IP range". */
export function typeList(types: readonly string[]): string {
  const words = types.map(indicatorTypeLabel);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;
}

export interface ExportFormProps {
  formats: readonly ExportFormat[];
  /** the export to change; absent: a new one */
  exp?: Export;
  onSaved(exp: Export): void;
  onCancel?: () => void;
}

export function ExportForm({ formats, exp, onSaved, onCancel }: ExportFormProps) {
  const me = useMe();
  // The operator belongs to no organisation: a new export names the one it is read as.
  const needsOrg = !exp && me.user.isOperator;
  const orgs = useApi<ListOf<Org>>(needsOrg ? '/api/orgs' : null);
  const [draft, setDraft] = useState<Draft>(() => toDraft(exp, formats));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReactNode>(null);
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));
  const d = draft;
  const format = formats.find((f) => f.id === d.format);
  const extra = format ? (formatOptionKeys[format.id] ?? []) : [];
  const formId = exp ? `edit-export-${exp.id}` : 'new-export';

  const chooseFormat = (id: string) => {
    const next = formats.find((f) => f.id === id);
    // Keep the types and columns the new format can carry too; drop the rest.
    setDraft((old) => ({
      ...old,
      format: id,
      types: old.types.filter((t) => next?.types.includes(t)),
      columns: old.columns.filter((c) => next?.columns?.includes(c)),
    }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = toInput(d, format, exp?.options ?? {}, needsOrg);
    if ('problem' in checked) return setError(checked.problem);
    setBusy(true);
    try {
      const saved = exp ? await api.patch<Export>(`/api/exports/${seg(exp.id)}`, checked.input) : await api.post<Export>('/api/exports', checked.input);
      onSaved(saved);
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form export-form" onSubmit={(e) => void submit(e)} aria-labelledby={formId} noValidate>
      {/* Changing happens inside the export's Settings section, so its heading is one level down. */}
      {exp ? <h3 id={formId}>Change {exp.name}</h3> : <h2 id={formId}>New export</h2>}
      <div className="grid-2">
        <TextField
          label="Name"
          hint="What it is for, for example “Firewall at City Hall”. It also names the file."
          required
          autoComplete="off"
          maxLength={120}
          value={d.name}
          onChange={set('name')}
        />
        {needsOrg ? (
          <SelectField
            label="Organisation"
            hint="The export is read as this organisation: it carries what the organisation may see."
            value={d.orgId}
            options={[{ value: '', label: orgs.loading ? 'Loading…' : 'Choose…' }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
            onChange={set('orgId')}
          />
        ) : null}
      </div>

      <fieldset className="fieldset">
        <legend>Format</legend>
        <p className="hint">What the device reads. Each format carries only some types of value.</p>
        <div className="export-formats">
          {formats.map((f) => (
            <RadioField
              key={f.id}
              name={`${formId}-format`}
              label={f.label}
              hint={`Carries ${typeList(f.types)}.`}
              value={f.id}
              checked={d.format === f.id}
              onChange={chooseFormat}
            />
          ))}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Which values</legend>
        {format && format.types.length > 1 ? (
          <>
            <p className="hint">Tick none to export every type the format carries.</p>
            <CheckList
              legend="Types"
              items={format.types.map((t) => ({ id: t, label: indicatorTypeLabel(t) }))}
              selected={d.types.filter((t) => format.types.includes(t))}
              onChange={set('types')}
            />
          </>
        ) : null}
        <div className="grid-2">
          <TextField
            label="Minimum confidence"
            hint="0 to 100. Empty: any confidence."
            type="number"
            inputMode="numeric"
            min={0}
            max={100}
            value={d.minConfidence}
            onChange={set('minConfidence')}
          />
          <TextField
            label="Maximum age (days)"
            hint="Only values a source mentioned this recently. Empty: no limit."
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            value={d.maxAgeDays}
            onChange={set('maxAgeDays')}
          />
        </div>
        <div className="grid-2">
          <SelectField
            label="Most restrictive TLP"
            hint="Values marked stricter than this are left out."
            value={d.tlpCeiling}
            options={tlps.map((t) => ({ value: t, label: ceilingLabels[t] }))}
            onChange={(v) => set('tlpCeiling')(v as Tlp)}
          />
        </div>
        <div role="status" className="live-region">
          {d.tlpCeiling === 'red' ? (
            <p className="callout callout-warn export-red-warning">
              <TlpBadge tlp="red" /> is for the people a warning was addressed to. On a device, it can be read by everyone who
              can read the device&rsquo;s configuration, logs or backups: choose it only if all of them may see it.
            </p>
          ) : null}
        </div>
        <p className="hint">Tick no source to take values from all of them.</p>
        <div className="grid-2">
          <CheckList
            legend="Sources"
            items={exportSourceKinds.map((k) => ({ id: k, label: sourceKindLabels[k] }))}
            selected={d.sourceKinds}
            onChange={set('sourceKinds')}
          />
          <div className="export-sighted">
            <CheckboxField
              label="Sighted only"
              hint="Only values a member has reported seeing on their own network."
              checked={d.sightedOnly}
              onChange={set('sightedOnly')}
            />
          </div>
        </div>
      </fieldset>

      {format && (format.columns || extra.length > 0) ? (
        <fieldset className="fieldset">
          <legend>Options of this format</legend>
          {format.columns ? (
            <>
              <p className="hint">The columns, in this order. Tick none for all of them.</p>
              <CheckList legend="Columns" items={format.columns.map((c) => ({ id: c, label: c }))} selected={d.columns} onChange={set('columns')} />
            </>
          ) : null}
          {extra.includes('domainWildcards') ? (
            <CheckboxField
              label="Also list *.domain after each domain"
              hint="Blocks every name under the domain too (FortiGate, Check Point, PAN-OS 9.0 and later)."
              checked={d.domainWildcards}
              onChange={set('domainWildcards')}
            />
          ) : null}
          {extra.includes('rpzTtl') || extra.includes('rpzZone') ? (
            <div className="grid-2">
              <TextField
                label="Record TTL (seconds)"
                hint="30 to 86400. Empty: 300."
                type="number"
                inputMode="numeric"
                min={30}
                max={86400}
                value={d.rpzTtl}
                onChange={set('rpzTtl')}
              />
              <TextField
                label="Zone name"
                hint="The zone’s name on your resolver, such as rpz.city.example. Names too long for it are skipped."
                spellCheck={false}
                autoComplete="off"
                value={d.rpzZone}
                onChange={set('rpzZone')}
              />
            </div>
          ) : null}
          {extra.includes('iprepCategory') ? (
            <div className="grid-2">
              <TextField
                label="Category number"
                hint="0 to 60: the category in the sensor’s categories file. Empty: 1."
                type="number"
                inputMode="numeric"
                min={0}
                max={60}
                value={d.iprepCategory}
                onChange={set('iprepCategory')}
              />
            </div>
          ) : null}
        </fieldset>
      ) : null}

      <fieldset className="fieldset">
        <legend>Devices</legend>
        <div className="grid-2">
          <TextField
            label="Stale after (hours)"
            hint="A device that has not fetched for this long shows as stale: a firewall that stopped pulling."
            type="number"
            inputMode="numeric"
            min={1}
            max={2160}
            value={d.staleAfterHours}
            onChange={set('staleAfterHours')}
          />
        </div>
      </fieldset>

      <Notice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {exp ? 'Save changes' : 'Save export'}
        </button>
        {onCancel ? (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
