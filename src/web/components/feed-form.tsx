// The form for an outside feed, to add one or change one: its source (a URL, or a file on the
// hub for the operator), how to read each kind, and how its values are shared and age. The
// hub checks everything again; its refusals are shown with the field they are about.
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, errorMessage, seg } from '../api.ts';
import {
  authOptions,
  delimiterOptions,
  feedKindLabels,
  feedKinds,
  headerOptions,
  indicatorTypes,
  valueTypeOptions,
  vanishLabels,
  type ColumnRef,
  type CsvColumns,
  type CsvDelimiter,
  type CsvHeader,
  type Feed,
  type FeedInput,
  type FeedKind,
  type FeedOptions,
  type TaxiiAuthKind,
  type VanishAction,
} from '../feed-types.ts';
import { useMe } from '../session.tsx';
import type { ListOf, Org } from '../types.ts';
import { useApi } from '../use-api.ts';
import { indicatorTypeLabel, tlpLabel, tlps, type Tlp } from '../warning-types.ts';
import { CheckList } from './check-list.tsx';
import { CheckboxField, RadioField, SelectField, TextField } from './fields.tsx';
import { Notice } from './notice.tsx';

const columnKeys = ['value', 'typeColumn', 'comment', 'firstSeen', 'lastSeen', 'confidence', 'tlp', 'tags'] as const;
type ColumnKey = (typeof columnKeys)[number];

const columnLabels: Record<ColumnKey, string> = {
  value: 'Value column',
  typeColumn: 'Type column',
  comment: 'Comment column(s)',
  firstSeen: 'First-seen column',
  lastSeen: 'Last-seen column',
  confidence: 'Confidence column',
  tlp: 'TLP column',
  tags: 'Tags column',
};

interface Draft {
  name: string;
  kind: FeedKind;
  source: 'url' | 'file';
  url: string;
  file: string;
  share: 'members' | 'org';
  orgId: string;
  tlp: Tlp;
  confidence: string;
  expiryDays: string;
  onVanish: VanishAction;
  intervalMinutes: string;
  enabled: boolean;
  valueType: string;
  columns: Record<ColumnKey, string>;
  delimiter: CsvDelimiter;
  header: CsvHeader;
  defangedOnly: boolean;
  onlyToIds: boolean;
  fullEveryHours: string;
  observables: boolean;
  collectionId: string;
  authKind: TaxiiAuthKind;
  username: string;
  secret: string;
  filterTypes: string[];
  minConfidence: string;
}

function columnText(ref: ColumnRef | ColumnRef[] | undefined): string {
  if (ref === undefined) return '';
  return Array.isArray(ref) ? ref.join(', ') : String(ref);
}

function toDraft(feed: Feed | undefined): Draft {
  const o = feed?.options ?? {};
  const c: Partial<CsvColumns> = o.columns ?? {};
  return {
    name: feed?.name ?? '',
    kind: feed?.kind ?? 'list',
    source: feed?.file ? 'file' : 'url',
    url: feed?.url ?? '',
    file: feed?.file ?? '',
    share: feed?.audience === 'orgs' ? 'org' : 'members',
    orgId: feed?.orgId ?? '',
    tlp: feed?.tlp ?? 'green',
    confidence: String(feed?.confidence ?? 50),
    expiryDays: feed?.expiryDays === null || feed?.expiryDays === undefined ? '' : String(feed.expiryDays),
    onVanish: feed?.onVanish ?? 'expire',
    intervalMinutes: String(feed?.intervalMinutes ?? 60),
    enabled: feed?.enabled ?? true,
    valueType: o.type ?? c.type ?? '',
    columns: Object.fromEntries(columnKeys.map((k) => [k, columnText(c[k])])) as Record<ColumnKey, string>,
    delimiter: o.delimiter ?? 'auto',
    header: o.header ?? 'auto',
    defangedOnly: o.defangedOnly ?? false,
    onlyToIds: o.onlyToIds ?? false,
    fullEveryHours: o.fullEveryHours === undefined ? '' : String(o.fullEveryHours),
    observables: o.observables ?? true,
    collectionId: o.collectionId ?? '',
    authKind: o.authKind ?? 'none',
    username: o.username ?? '',
    secret: '',
    filterTypes: feed?.filter.types ?? [],
    minConfidence: feed?.filter.minConfidence === undefined ? '' : String(feed.filter.minConfidence),
  };
}

/** "3" is the fourth column; anything else is a header name. */
function columnRef(text: string): ColumnRef | undefined {
  const t = text.trim();
  if (!t) return undefined;
  return /^\d+$/.test(t) ? Number(t) : t;
}

/** A whole number typed in a field, or null when it is not one (empty is `empty`). */
function wholeNumber(text: string): number | null | 'empty' {
  const t = text.trim();
  if (!t) return 'empty';
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

function optionsOf(d: Draft, keepsSecret: boolean): FeedOptions {
  const o: FeedOptions = {};
  switch (d.kind) {
    case 'list':
      if (d.valueType) o.type = d.valueType;
      break;
    case 'csv': {
      if (d.valueType) o.type = d.valueType;
      const columns: Record<string, ColumnRef | ColumnRef[]> = {};
      for (const k of columnKeys) {
        if (k === 'comment') {
          const refs = d.columns.comment.split(',').map(columnRef).filter((r): r is ColumnRef => r !== undefined);
          if (refs.length) columns.comment = refs.length === 1 ? refs[0]! : refs;
          continue;
        }
        const ref = columnRef(d.columns[k]);
        if (ref !== undefined) columns[k] = ref;
      }
      o.columns = columns as unknown as CsvColumns;
      o.delimiter = d.delimiter;
      o.header = d.header;
      break;
    }
    case 'text':
      o.defangedOnly = d.defangedOnly;
      break;
    case 'misp': {
      o.onlyToIds = d.onlyToIds;
      const hours = wholeNumber(d.fullEveryHours);
      if (typeof hours === 'number') o.fullEveryHours = hours;
      break;
    }
    case 'stix':
      o.observables = d.observables;
      break;
    case 'taxii':
      o.observables = d.observables;
      o.collectionId = d.collectionId.trim();
      o.authKind = d.authKind;
      if (d.authKind === 'basic') o.username = d.username.trim();
      if (d.authKind !== 'none' && (d.secret || !keepsSecret)) o.secret = d.secret;
      break;
  }
  return o;
}

/** The request body, or the first thing to fix before sending it. */
function toInput(d: Draft, opts: { isOperator: boolean; editing: Feed | undefined }): { input: FeedInput } | { problem: string } {
  if (!d.name.trim()) return { problem: 'Give the feed a name.' };
  const fromFile = opts.isOperator && d.source === 'file' && d.kind !== 'taxii';
  if (fromFile ? !d.file.trim() : !d.url.trim()) return { problem: fromFile ? 'Name the file (or folder, for MISP) to read.' : 'Give the address (URL) to read the feed from.' };
  if (d.kind === 'csv' && !d.columns.value.trim()) return { problem: 'Name the CSV column that holds the values (its header, or its position from 0).' };
  if (d.kind === 'taxii' && !d.collectionId.trim()) return { problem: 'Give the id of the TAXII collection to read.' };
  if (opts.isOperator && d.share === 'org' && !d.orgId) return { problem: 'Choose the organisation to share the values with.' };
  const numbers: Array<[string, string, boolean]> = [
    ['Confidence', d.confidence, false],
    ['Run every (minutes)', d.intervalMinutes, false],
    ['Valid for (days)', d.expiryDays, true],
    ['Minimum confidence', d.minConfidence, true],
  ];
  for (const [label, text, optional] of numbers) {
    const n = wholeNumber(text);
    if (n === null || (n === 'empty' && !optional)) return { problem: `${label}: type a whole number${optional ? ', or leave it empty' : ''}.` };
  }
  const expiry = wholeNumber(d.expiryDays);
  const minConfidence = wholeNumber(d.minConfidence);
  const keepsSecret = opts.editing?.kind === 'taxii' && opts.editing.options.authKind === d.authKind && d.authKind !== 'none';
  const input: FeedInput = {
    name: d.name.trim(),
    kind: d.kind,
    options: optionsOf(d, keepsSecret),
    filter: { ...(d.filterTypes.length ? { types: d.filterTypes } : {}), ...(typeof minConfidence === 'number' ? { minConfidence } : {}) },
    tlp: d.tlp,
    confidence: Number(d.confidence),
    expiryDays: typeof expiry === 'number' ? expiry : null,
    onVanish: d.onVanish,
    intervalMinutes: Number(d.intervalMinutes),
    enabled: d.enabled,
  };
  if (fromFile) input.file = d.file.trim();
  else input.url = d.url.trim();
  // Org admins' feeds are always shared with their own organisation: the hub decides.
  if (opts.isOperator) {
    input.audience = d.share === 'org' ? 'orgs' : 'members';
    input.orgId = d.share === 'org' ? d.orgId : null;
  }
  return { input };
}

/** Which field a refusal's `details[].path` ("/options/collectionId") is about, in the form's words. */
const pathLabels: Record<string, string> = {
  name: 'Name',
  kind: 'Kind',
  url: 'Address (URL)',
  file: 'File on the hub',
  tlp: 'TLP',
  confidence: 'Confidence',
  expiryDays: 'Valid for (days)',
  onVanish: 'Values the source stops listing',
  intervalMinutes: 'Run every (minutes)',
  'options/type': 'Value type',
  'options/collectionId': 'Collection id',
  'options/username': 'User name',
  'options/secret': 'Token or password',
  'options/fullEveryHours': 'Read every event again (hours)',
  'filter/minConfidence': 'Minimum confidence',
  ...Object.fromEntries(columnKeys.map((k) => [`options/columns/${k}`, columnLabels[k]])),
};

/**
 * An API refusal as the form shows it: the hub's message, and, when it says which fields
 * (`details: [{ path, message }]`), each field by its label.
 */
export function problemText(error: unknown): ReactNode {
  const message = errorMessage(error);
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return message;
  const fields = (error.details as unknown[]).flatMap((d) => {
    if (typeof d !== 'object' || d === null) return [];
    const { path, message: why } = d as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof why !== 'string') return [];
    const key = path.replace(/^\//, '');
    return [{ key: path, label: pathLabels[key] ?? (key || 'The request'), why }];
  });
  if (fields.length === 0) return message;
  return (
    <>
      {message}
      <ul className="problem-list">
        {fields.map((f) => (
          <li key={f.key}>
            <strong>{f.label}</strong>: {f.why}
          </li>
        ))}
      </ul>
    </>
  );
}

export interface FeedFormProps {
  /** the feed to change; absent: a new one */
  feed?: Feed;
  onSaved(feed: Feed): void;
  onCancel?: () => void;
}

export function FeedForm({ feed, onSaved, onCancel }: FeedFormProps) {
  const me = useMe();
  const isOperator = me.user.isOperator;
  const orgs = useApi<ListOf<Org>>(isOperator ? '/api/orgs' : null);
  const [draft, setDraft] = useState<Draft>(() => toDraft(feed));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReactNode>(null);
  // Opened once if a filter is set; after that the user's own toggling decides.
  const [filterOpen] = useState(() => (feed?.filter.types?.length ?? 0) > 0 || feed?.filter.minConfidence !== undefined);
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));
  const setColumn = (key: ColumnKey) => (value: string) => setDraft((d) => ({ ...d, columns: { ...d.columns, [key]: value } }));
  const formId = feed ? `edit-feed-${feed.id}` : 'add-feed';
  const d = draft;
  const fromFile = isOperator && d.source === 'file' && d.kind !== 'taxii';
  const keepsSecret = feed?.kind === 'taxii' && feed.options.authKind === d.authKind && d.authKind !== 'none';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = toInput(d, { isOperator, editing: feed });
    if ('problem' in checked) return setError(checked.problem);
    setBusy(true);
    try {
      const saved = feed ? await api.patch<Feed>(`/api/feeds/${seg(feed.id)}`, checked.input) : await api.post<Feed>('/api/feeds', checked.input);
      setDraft((old) => ({ ...old, secret: '' }));
      onSaved(saved);
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };

  const urlHint =
    d.kind === 'misp'
      ? 'The feed’s folder: the one that holds manifest.json.'
      : d.kind === 'taxii'
        ? 'The TAXII 2.1 server’s discovery address (ending in /taxii2/) or its API root.'
        : 'An http:// or https:// address. A key in the address stays visible only to those who manage the feed.';

  return (
    <form className="form feed-form" onSubmit={(e) => void submit(e)} aria-labelledby={formId} noValidate>
      {/* Changing happens inside the feed's Settings section, so its heading is one level down. */}
      {feed ? <h3 id={formId}>Change {feed.name}</h3> : <h2 id={formId}>Add a feed</h2>}
      <div className="grid-2">
        <TextField label="Name" hint="Unique on this hub, for example “FireHOL level 1”." required autoComplete="off" maxLength={200} value={d.name} onChange={set('name')} />
        <SelectField label="Kind" value={d.kind} options={feedKinds.map((k) => ({ value: k, label: feedKindLabels[k] }))} onChange={(v) => set('kind')(v as FeedKind)} />
      </div>

      <fieldset className="fieldset">
        <legend>Source</legend>
        {isOperator && d.kind !== 'taxii' ? (
          <div className="inline-fields" role="radiogroup" aria-label="Read from">
            <RadioField name={`${formId}-source`} label="A web address" value="url" checked={d.source === 'url'} onChange={() => set('source')('url')} />
            <RadioField name={`${formId}-source`} label="A file on the hub" value="file" checked={d.source === 'file'} onChange={() => set('source')('file')} />
          </div>
        ) : null}
        {fromFile ? (
          <TextField
            label="File on the hub"
            hint={`Inside the hub’s feed folder (TOCSIN_FEED_FILE_ROOT)${d.kind === 'misp' ? '; for MISP, the folder that holds manifest.json' : ''}.`}
            spellCheck={false}
            autoComplete="off"
            value={d.file}
            onChange={set('file')}
          />
        ) : (
          <TextField label="Address (URL)" type="url" inputMode="url" spellCheck={false} autoComplete="off" required hint={urlHint} value={d.url} onChange={set('url')} />
        )}
      </fieldset>

      <KindOptions draft={d} set={set} setColumn={setColumn} keepsSecret={keepsSecret} secretHint={feed?.options.secretHint} />

      <fieldset className="fieldset">
        <legend>Sharing and validity</legend>
        {isOperator ? (
          <div className="grid-2">
            <SelectField
              label="Share the values with"
              value={d.share}
              options={[
                { value: 'members', label: 'All members of the hub' },
                { value: 'org', label: 'One organisation only' },
              ]}
              onChange={(v) => set('share')(v as Draft['share'])}
            />
            {d.share === 'org' ? (
              <SelectField
                label="Organisation"
                value={d.orgId}
                options={[{ value: '', label: orgs.loading ? 'Loading…' : 'Choose…' }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
                onChange={set('orgId')}
              />
            ) : null}
          </div>
        ) : (
          <p className="hint">Your organisation’s feeds are shared with your organisation only.</p>
        )}
        <div className="grid-3">
          <SelectField
            label="TLP"
            hint="The least restrictive TLP its values get; a value the source marks stricter keeps its own. RED only for one organisation."
            value={d.tlp}
            options={tlps.map((t) => ({ value: t, label: tlpLabel(t) }))}
            onChange={(v) => set('tlp')(v as Tlp)}
          />
          <TextField label="Confidence" hint="0 to 100, for values the source gives none." type="number" inputMode="numeric" min={0} max={100} value={d.confidence} onChange={set('confidence')} />
          <TextField label="Valid for (days)" hint="After the source last listed a value. Empty: per type (IPs 30, domains and URLs 90)." type="number" inputMode="numeric" min={1} max={3650} value={d.expiryDays} onChange={set('expiryDays')} />
        </div>
        <SelectField
          label="Values the source stops listing"
          hint={d.kind === 'taxii' ? 'A TAXII collection only adds: its values age out on their own.' : undefined}
          value={d.onVanish}
          options={(Object.keys(vanishLabels) as VanishAction[]).map((v) => ({ value: v, label: vanishLabels[v] }))}
          onChange={(v) => set('onVanish')(v as VanishAction)}
        />
        <details className="feed-filter" open={filterOpen}>
          <summary>Filter: keep only some values</summary>
          <CheckList
            legend="Keep only these types"
            items={indicatorTypes.map((t) => ({ id: t, label: indicatorTypeLabel(t) }))}
            selected={d.filterTypes}
            onChange={set('filterTypes')}
          />
          <TextField label="Minimum confidence" hint="Leave empty to keep values of any confidence." type="number" inputMode="numeric" min={0} max={100} value={d.minConfidence} onChange={set('minConfidence')} />
        </details>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Schedule</legend>
        <div className="grid-3">
          <TextField label="Run every (minutes)" hint="1 to 10080 (a week)." type="number" inputMode="numeric" min={1} max={10080} value={d.intervalMinutes} onChange={set('intervalMinutes')} />
        </div>
        <CheckboxField label="Enabled" hint="Run on the schedule. A disabled feed keeps its values." checked={d.enabled} onChange={set('enabled')} />
      </fieldset>

      <Notice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {feed ? 'Save changes' : 'Add feed'}
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

interface KindOptionsProps {
  draft: Draft;
  set<K extends keyof Draft>(key: K): (value: Draft[K]) => void;
  setColumn(key: ColumnKey): (value: string) => void;
  keepsSecret: boolean;
  secretHint: string | undefined;
}

/** The settings that belong to the chosen kind only (the hub refuses the others). */
function KindOptions({ draft: d, set, setColumn, keepsSecret, secretHint }: KindOptionsProps) {
  const valueType = (
    <SelectField
      label="Value type"
      hint="Force one type: a value of another type is refused. ‘IP’ takes IPv4, IPv6 and ranges."
      value={d.valueType}
      options={valueTypeOptions}
      onChange={set('valueType')}
    />
  );
  switch (d.kind) {
    case 'list':
      return (
        <fieldset className="fieldset">
          <legend>Reading the list</legend>
          <p className="hint">One value a line. #, ; and // start comments; text after the value is kept as its comment.</p>
          {valueType}
        </fieldset>
      );
    case 'csv':
      return (
        <fieldset className="fieldset">
          <legend>Reading the CSV</legend>
          <p className="hint">Name each column by its header, or by its position counting from 0. Only the value column is needed.</p>
          <div className="grid-3">
            {columnKeys.map((k) => (
              <TextField
                key={k}
                label={columnLabels[k]}
                hint={k === 'comment' ? 'Several: separate with commas.' : k === 'typeColumn' ? 'Or set one value type below.' : undefined}
                required={k === 'value'}
                spellCheck={false}
                autoComplete="off"
                value={d.columns[k]}
                onChange={setColumn(k)}
              />
            ))}
          </div>
          <div className="grid-3">
            {valueType}
            <SelectField label="Delimiter" value={d.delimiter} options={delimiterOptions} onChange={(v) => set('delimiter')(v as CsvDelimiter)} />
            <SelectField label="Header" value={d.header} options={headerOptions} onChange={(v) => set('header')(v as CsvHeader)} />
          </div>
        </fieldset>
      );
    case 'text':
      return (
        <fieldset className="fieldset">
          <legend>Reading the text</legend>
          <CheckboxField
            label="Only defanged network indicators"
            hint="Keep addresses, domains and URLs only when written defanged (hxxp, [.]): for notes whose reference links are live."
            checked={d.defangedOnly}
            onChange={set('defangedOnly')}
          />
        </fieldset>
      );
    case 'misp':
      return (
        <fieldset className="fieldset">
          <legend>Reading the MISP feed</legend>
          <CheckboxField label="Only attributes marked for detection (to_ids)" checked={d.onlyToIds} onChange={set('onlyToIds')} />
          <TextField
            label="Read every event again (hours)"
            hint="Only a full re-read retires values that vanished. Empty: every 24 hours."
            type="number"
            inputMode="numeric"
            min={1}
            max={2160}
            value={d.fullEveryHours}
            onChange={set('fullEveryHours')}
          />
        </fieldset>
      );
    case 'stix':
    case 'taxii':
      return (
        <fieldset className="fieldset">
          <legend>{d.kind === 'stix' ? 'Reading the bundle' : 'Reading the collection'}</legend>
          <CheckboxField
            label="Also cyber observables"
            hint="Not only indicators whose pattern names a value, but also observables such as ipv4-addr and domain-name objects."
            checked={d.observables}
            onChange={set('observables')}
          />
          {d.kind === 'taxii' ? (
            <>
              <TextField label="Collection id" required spellCheck={false} autoComplete="off" value={d.collectionId} onChange={set('collectionId')} />
              <div className="grid-2">
                <SelectField label="Authentication" value={d.authKind} options={authOptions} onChange={(v) => set('authKind')(v as TaxiiAuthKind)} />
                {d.authKind === 'basic' ? <TextField label="User name" spellCheck={false} autoComplete="off" value={d.username} onChange={set('username')} /> : null}
              </div>
              {d.authKind !== 'none' ? (
                <TextField
                  label={d.authKind === 'bearer' ? 'Token' : 'Password'}
                  type="password"
                  autoComplete="new-password"
                  spellCheck={false}
                  required={!keepsSecret}
                  hint={keepsSecret ? `Stored (${secretHint ?? 'hidden'}). Leave empty to keep it.` : 'Stored to be sent to the server; never shown again.'}
                  value={d.secret}
                  onChange={set('secret')}
                />
              ) : null}
            </>
          ) : null}
        </fieldset>
      );
  }
}
