// `tocsin feed …`: the operator's outside feeds, scriptable with --json. Feeds are named by id
// or exact (case-insensitive) name. `feed run` runs in this process with a live progress line
// (on stderr, when it is a terminal) and exits non-zero when the run fails.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { AppError } from '../errors.js';
import { feedAudiences, feedKinds, listTypes, vanishActions, type FeedKind, type FeedOptions } from '../feeds/feed-options.js';
import { createFeed, deleteFeed, getFeed, listFeedRuns, listFeeds, resolveFeed, runFeedNow, type FeedInput } from '../feeds/feeds.service.js';
import type { Feed, FeedRunView } from '../feeds/feeds.view.js';
import { cliActor } from '../orgs/actor.js';
import { indicatorTypes, type IndicatorType } from '../stix/observables.js';
import { printResult, withContext, type CliIO } from './context.js';

type GetConfig = () => Config;

/** Where the live progress line goes: a terminal that can redraw a line, or nothing. */
export interface ProgressOut {
  isTTY: boolean;
  write(text: string): void;
}

const stderrProgress: ProgressOut = {
  get isTTY() {
    return process.stderr.isTTY === true;
  },
  write: (t) => void process.stderr.write(t),
};

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const pairs = (v: string, prev: string[] = []) => [...prev, v];

function oneOf<T extends string>(what: string, allowed: readonly T[], value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new AppError('VALIDATION_FAILED', { detail: `${what} "${value}" is not one of ${allowed.join(', ')}` });
  return value as T;
}

function integer(what: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new AppError('VALIDATION_FAILED', { detail: `${what} must be a whole number` });
  return Number(value);
}

function readSecret(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8').trim();
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', { detail: `cannot read the secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
  }
}

interface AddOptions {
  name: string;
  kind: string;
  url?: string;
  file?: string;
  org?: string;
  audience?: string;
  tlp?: string;
  confidence?: string;
  expiryDays?: string;
  onVanish?: string;
  interval?: string;
  type?: string;
  column?: string[];
  delimiter?: string;
  header?: string;
  defangedOnly?: boolean;
  onlyToIds?: boolean;
  collection?: string;
  token?: string;
  username?: string;
  password?: string;
  secretFile?: string;
  types?: string[];
  minConfidence?: string;
  disabled?: boolean;
  json?: boolean;
}

/** `--column value=ip --column comment=2`: a CSV mapping, numbers as positions. */
function columnsFrom(specs: string[]): FeedOptions['columns'] {
  const columns: Record<string, string | number | Array<string | number>> = {};
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at < 1) throw new AppError('VALIDATION_FAILED', { detail: `--column wants field=column (e.g. value=ip or value=1), not "${spec}"` });
    const field = spec.slice(0, at).trim();
    const raw = spec.slice(at + 1).trim();
    const ref = /^\d+$/.test(raw) ? Number(raw) : raw;
    if (field === 'comment') columns.comment = [...(Array.isArray(columns.comment) ? columns.comment : columns.comment !== undefined ? [columns.comment] : []), ref];
    else columns[field] = ref;
  }
  return columns as unknown as FeedOptions['columns'];
}

function inputFrom(o: AddOptions): FeedInput {
  const kind = oneOf('--kind', feedKinds, o.kind) as FeedKind;
  const options: FeedOptions = {};
  const type = oneOf('--type', listTypes, o.type);
  if (type) options.type = type;
  if (o.column?.length) options.columns = columnsFrom(o.column);
  if (o.delimiter !== undefined) options.delimiter = (o.delimiter === '\\t' || o.delimiter === 'tab' ? '\t' : o.delimiter) as FeedOptions['delimiter'];
  if (o.header !== undefined) options.header = o.header as FeedOptions['header'];
  if (o.defangedOnly) options.defangedOnly = true;
  if (o.onlyToIds) options.onlyToIds = true;
  if (o.collection !== undefined) options.collectionId = o.collection;
  const fileSecret = o.secretFile !== undefined ? readSecret(o.secretFile) : undefined;
  if (o.username !== undefined) Object.assign(options, { authKind: 'basic', username: o.username, secret: o.password ?? fileSecret });
  else if (o.token !== undefined || fileSecret !== undefined) Object.assign(options, { authKind: 'bearer', secret: o.token ?? fileSecret });
  const types = o.types?.map((t) => oneOf('--filter-type', indicatorTypes, t) as IndicatorType);
  const minConfidence = integer('--min-confidence', o.minConfidence);
  return {
    name: o.name,
    kind,
    url: o.url ?? null,
    file: o.file ?? null,
    orgId: o.org ?? null,
    ...(o.audience ? { audience: oneOf('--audience', feedAudiences, o.audience)! } : {}),
    ...(o.tlp ? { tlp: o.tlp } : {}),
    ...(o.confidence !== undefined ? { confidence: integer('--confidence', o.confidence)! } : {}),
    ...(o.expiryDays !== undefined ? { expiryDays: integer('--expiry-days', o.expiryDays)! } : {}),
    ...(o.onVanish ? { onVanish: oneOf('--on-vanish', vanishActions, o.onVanish)! } : {}),
    ...(o.interval !== undefined ? { intervalMinutes: integer('--interval', o.interval)! } : {}),
    options,
    filter: { ...(types?.length ? { types } : {}), ...(minConfidence !== undefined ? { minConfidence } : {}) },
    enabled: !o.disabled,
  };
}

function feedRows(f: Feed): string[][] {
  const h = f.health;
  return [
    ['id', f.id],
    ['name', f.name],
    ['kind', f.kind],
    ['source', f.url ?? f.file ?? '-'],
    ['shared with', f.audience === 'orgs' ? `organisation ${f.orgId}` : 'all members'],
    ['TLP', `at least TLP:${f.tlp.toUpperCase()}`],
    ['confidence', String(f.confidence)],
    ['expiry', f.expiryDays === null ? 'per-type defaults' : `${f.expiryDays} days`],
    ['on vanish', f.onVanish],
    ['interval', `${f.intervalMinutes} min`],
    ['enabled', f.enabled ? 'yes' : 'no'],
    ['options', JSON.stringify(f.options)],
    ['filter', JSON.stringify(f.filter)],
    ['health', `${h.status}${h.consecutiveFailures ? ` (${h.consecutiveFailures} failure(s) in a row)` : ''}${h.running ? ', running' : ''}`],
    ['last run', h.lastRunAt ? `${h.lastRunAt} ${h.lastStatus ?? ''}` : '-'],
    ['last success', h.lastSuccessAt ?? '-'],
    ['last error', h.lastError ?? '-'],
    ['next run', h.nextRunAt ?? '-'],
  ];
}

const num = (n: number) => n.toLocaleString('en-US');

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** One line: where the run is and what it found so far. */
export function progressLine(run: FeedRunView): string {
  const c = run.counts;
  const read = run.totalBytes ? `${size(run.bytesRead)} of ${size(run.totalBytes)} (${Math.min(100, Math.floor((run.bytesRead / run.totalBytes) * 100))} %)` : size(run.bytesRead);
  return `${read}, ${num(c.records)} records: ${num(c.new)} new, ${num(c.updated)} updated, ${num(c.unchanged)} unchanged, ${num(c.rejected)} rejected, ${num(c.skipped)} skipped, ${num(c.filtered)} filtered`;
}

export function summaryLines(name: string, run: FeedRunView): string[][] {
  const c = run.counts;
  const lines = [
    [`${name}: ${run.status}${run.error ? `: ${run.error}` : ''}`],
    [`  ${progressLine(run)}, ${num(c.expired)} expired${run.durationMs !== null ? `, in ${(run.durationMs / 1000).toFixed(1)} s` : ''}`],
  ];
  for (const s of run.samples.slice(0, 10)) lines.push([`  refused ${s.line !== undefined ? `line ${s.line}` : (s.ref ?? '')}: ${s.reason} ${s.text}`]);
  for (const w of run.warnings.slice(0, 5)) lines.push([`  note: ${w}`]);
  return lines;
}

export function registerFeedCommands(program: Command, io: CliIO, getConfig: GetConfig, progress: ProgressOut = stderrProgress): void {
  const run = <T>(fn: Parameters<typeof withContext<T>>[1]) => withContext(getConfig(), fn);
  const feed = program.command('feed').description('outside feeds: lists, CSV, text, MISP feeds, STIX bundles and TAXII collections');

  feed
    .command('add')
    .description('add a feed (by --url, or --file inside TOCSIN_FEED_FILE_ROOT)')
    .requiredOption('--name <name>', 'a name for the feed, e.g. "FireHOL level 1"')
    .requiredOption('--kind <kind>', feedKinds.join(', '))
    .option('--url <url>', 'http(s) URL (misp: the folder holding manifest.json; taxii: discovery or API root)')
    .option('--file <path>', 'a file (misp: a folder) inside TOCSIN_FEED_FILE_ROOT')
    .option('--org <id>', 'the organisation whose feed it is')
    .option('--audience <audience>', `${feedAudiences.join(' or ')} (default members)`)
    .option('--tlp <tlp>', 'the least restrictive TLP its values get (default green)')
    .option('--confidence <n>', 'confidence 0–100 for values the source gives none (default 50)')
    .option('--expiry-days <n>', 'validity after the source last listed a value (default: per type)')
    .option('--on-vanish <action>', `values the source no longer lists: ${vanishActions.join(', ')} (default expire)`)
    .option('--interval <minutes>', 'minutes between runs (default 60)')
    .option('--type <type>', `list, csv: every value is of this type (${listTypes.join(', ')})`)
    .option('--column <field=column>', 'csv: value=ip, comment=2, type=3, … (repeat)', pairs)
    .option('--delimiter <c>', 'csv: , ; | tab (default: detected)')
    .option('--header <mode>', 'csv: auto, first or none')
    .option('--defanged-only', 'text: keep network indicators only when written defanged')
    .option('--only-to-ids', 'misp: only attributes marked for detection')
    .option('--collection <id>', 'taxii: the collection to read')
    .option('--token <token>', 'taxii: bearer token')
    .option('--username <name>', 'taxii: user name for HTTP Basic')
    .option('--password <password>', 'taxii: password for HTTP Basic')
    .option('--secret-file <file>', 'taxii: read the token (or, with --username, the password) from a file; "-" for stdin')
    .option('--filter-type <types>', 'keep only these types (repeat or comma-separate)', list)
    .option('--min-confidence <n>', 'keep only values at least this confident')
    .option('--disabled', 'add it switched off')
    .option('--json', 'print JSON')
    .action(async (o: AddOptions & { filterType?: string[] }) => {
      const created = await run((ctx) => createFeed(ctx, cliActor(), inputFrom({ ...o, ...(o.filterType ? { types: o.filterType } : {}) })));
      printResult(io, Boolean(o.json), created, () => [[`Added feed ${created.name} (${created.id}); run it now with: tocsin feed run "${created.name}"`]]);
    });

  feed
    .command('list')
    .description('every feed with its health')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const items = await run((ctx) => listFeeds(ctx, cliActor()));
      printResult(io, Boolean(o.json), items, () => [
        ['ID', 'NAME', 'KIND', 'HEALTH', 'LAST RUN', 'LAST SUCCESS', 'SOURCE'],
        ...items.map((f) => [f.id, f.name, f.kind, f.health.status, f.health.lastStatus ?? '-', f.health.lastSuccessAt ?? '-', f.url ?? f.file ?? '-']),
      ]);
    });

  feed
    .command('show <feed>')
    .description('one feed, its settings and health')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const item = await run(async (ctx) => getFeed(ctx, cliActor(), await resolveFeed(ctx, ref)));
      printResult(io, Boolean(o.json), item, () => feedRows(item));
    });

  feed
    .command('run <feed>')
    .description('run a feed now in this process, with a live progress line; exits 1 when the run fails')
    .option('--force', 'read everything again, ignoring ETag/Last-Modified and cursors')
    .option('--json', 'print the run as JSON')
    .action(async (ref: string, o: { force?: boolean; json?: boolean }) => {
      const live = progress.isTTY && !o.json;
      let name = ref;
      const result = await run(async (ctx) => {
        const id = await resolveFeed(ctx, ref);
        name = (await getFeed(ctx, cliActor(), id)).name;
        const started = await runFeedNow(ctx, cliActor(), id, 'cli', {
          force: o.force === true,
          ...(live ? { onProgress: (r: FeedRunView) => progress.write(`\r\u001b[2K${name}: ${progressLine(r)}`) } : {}),
        });
        return started.done;
      });
      if (live) progress.write('\r\u001b[2K');
      printResult(io, Boolean(o.json), result, () => summaryLines(name, result));
      if (result.status === 'failed') throw new AppError('FEED_RUN_FAILED', { name, detail: result.error ?? 'unknown error' });
    });

  feed
    .command('runs <feed>')
    .description("a feed's recent runs, newest first")
    .option('--limit <n>', 'how many (default 20)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { limit?: string; json?: boolean }) => {
      const items = await run(async (ctx) => listFeedRuns(ctx, cliActor(), await resolveFeed(ctx, ref), integer('--limit', o.limit)));
      printResult(io, Boolean(o.json), items, () => [
        ['STARTED', 'TRIGGER', 'STATUS', 'NEW', 'UPDATED', 'UNCHANGED', 'REJECTED', 'EXPIRED', 'SECONDS', 'ERROR'],
        ...items.map((r) => [
          r.startedAt,
          r.trigger,
          r.status,
          String(r.counts.new),
          String(r.counts.updated),
          String(r.counts.unchanged),
          String(r.counts.rejected),
          String(r.counts.expired),
          r.durationMs === null ? '-' : (r.durationMs / 1000).toFixed(1),
          r.error ?? '',
        ]),
      ]);
    });

  feed
    .command('remove <feed>')
    .description('remove a feed (its values are withdrawn, its run history goes)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const id = await run(async (ctx) => {
        const feedId = await resolveFeed(ctx, ref);
        await deleteFeed(ctx, cliActor(), feedId);
        return feedId;
      });
      printResult(io, Boolean(o.json), { deleted: id }, () => [[`Removed feed ${id}`]]);
    });
}
