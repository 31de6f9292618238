// `tocsin stix import|export`: STIX 2.1 bundles in and out of the hub from the console, as
// the operator or as a named member (`--as`), with the same rules as TAXII. Files of any
// size: both directions stream, and an import shows its progress on a terminal.
import { createReadStream, createWriteStream, statSync, unlinkSync, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { cliActor, type Actor } from '../orgs/actor.js';
import { exportBundle, exportFilters } from '../stixio/export.service.js';
import { committedNote, importBundle, type ImportOutcome, type ImportProgress } from '../stixio/import.service.js';
import { progressLine } from '../stixio/progress.js';
import { requireWritable, resolveCollection, withDefaultTlp } from '../stixio/target.js';
import { printResult, processIO, withContext, type CliIO } from './context.js';
import { actAs } from './resolve.js';

type GetConfig = () => Config;
const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

async function actorFor(ctx: AppContext, as: string | undefined): Promise<Actor> {
  return as ? actAs(ctx, as) : cliActor();
}

/** Size of the file to import (null for stdin); a clear error when it cannot be read. */
function fileSize(file: string): number | null {
  if (file === '-') return null;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new AppError('STIX_FILE_UNREADABLE', { file, reason: 'it is not a file' });
    return st.size;
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError('STIX_FILE_UNREADABLE', { file, reason: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'error') });
  }
}

export function registerStixCommands(program: Command, io: CliIO, getConfig: GetConfig): void {
  const stix = program.command('stix').description('import and export STIX 2.1 bundles');

  stix
    .command('import <file>')
    .description('import a STIX 2.1 bundle ("-" for stdin), streamed in batches; per-object failures are listed, not fatal')
    .option('--collection <collection>', 'public, members, inbox, or a sharing group id or name', 'members')
    .option('--tlp <tlp>', 'TLP for objects without a TLP marking (default: the collection’s: CLEAR, GREEN, AMBER for groups, AMBER+STRICT for the inbox)')
    .option('--as <user>', 'email or id of the member to import as (default: the operator)')
    .option('--batch-size <n>', 'objects per transaction', '1000')
    .option('--json', 'print the totals and the failures as JSON')
    .action(async (file: string, o: { collection: string; tlp?: string; as?: string; batchSize: string; json?: boolean }) => {
      const size = fileSize(file);
      const batchSize = Number(o.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new AppError('VALIDATION_FAILED', { detail: '--batch-size must be a whole number from 1 to 10000' });
      const showProgress = io === processIO && Boolean(process.stderr.isTTY);
      let lastDraw = 0;
      const draw = (p: ImportProgress, force = false) => {
        if (!showProgress || (!force && Date.now() - lastDraw < 200)) return;
        lastDraw = Date.now();
        process.stderr.write(`\r${progressLine(p, size)}\x1b[K`);
      };
      const { outcome, title } = await withContext(getConfig(), async (ctx) => {
        const actor = await actorFor(ctx, o.as);
        const collection = withDefaultTlp(await resolveCollection(ctx, actor, o.collection), o.tlp);
        requireWritable(actor, collection);
        const source = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
        const result = await importBundle(ctx, actor, { source, collection, batchSize, onProgress: (p, phase) => draw(p, phase === 'batch') });
        return { outcome: result, title: collection.title };
      });
      if (showProgress) process.stderr.write(`\r${progressLine(outcome, size)}\x1b[K\n`);
      report(io, Boolean(o.json), file, title, outcome);
      if (outcome.error) {
        io.err(`Stopped: ${committedNote(outcome)}`);
        throw outcome.error;
      }
    });

  stix
    .command('export')
    .description('write a STIX 2.1 bundle of what you may read in a collection (to stdout, or --output)')
    .option('--collection <collection>', 'public, members, inbox, or a sharing group id or name', 'members')
    .option('--type <type>', 'only these STIX types (repeat or comma-separate)', list)
    .option('--since <time>', 'only objects the hub added after this time (ISO 8601)')
    .option('--all-versions', 'every version of each object, not only the latest')
    .option('--as <user>', 'email or id of the member to read as (default: the operator)')
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (o: { collection: string; type?: string[]; since?: string; allVersions?: boolean; as?: string; output?: string }) => {
      const counter = { objects: 0 };
      const title = await withContext(getConfig(), async (ctx) => {
        const actor = await actorFor(ctx, o.as);
        const collection = await resolveCollection(ctx, actor, o.collection);
        const options = { collection, types: o.type ?? [], since: o.since ?? null, allVersions: Boolean(o.allVersions) };
        exportFilters(options); // bad options fail before a file is created
        const chunks = exportBundle(ctx, actor, options, counter);
        if (o.output) await writeFile(o.output, chunks);
        else for await (const chunk of chunks) io.out(chunk);
        return collection.title;
      });
      io.err(`Exported ${counter.objects} object${counter.objects === 1 ? '' : 's'} from "${title}".`);
    });
}

/** Write the chunks to a file, waiting when the disk is slower than the database; no partial file on failure. */
async function writeFile(path: string, chunks: AsyncIterable<string>): Promise<void> {
  let out: WriteStream;
  try {
    out = createWriteStream(path, { flags: 'wx' });
    await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError('STIX_FILE_UNREADABLE', { file: path, reason: code === 'EEXIST' ? 'it already exists (choose a new name)' : (code ?? 'error') });
  }
  try {
    for await (const chunk of chunks) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    out.destroy();
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
    throw err;
  }
}

function report(io: CliIO, json: boolean, file: string, title: string, outcome: ImportOutcome): void {
  const value = {
    file,
    collection: title,
    complete: outcome.complete,
    bytes: outcome.bytes,
    objects: outcome.objects,
    successes: outcome.successes,
    failures: outcome.failures,
    batches: outcome.batches,
    uncommitted: outcome.uncommitted,
    failureList: outcome.failureList,
    failuresTruncated: outcome.failures > outcome.failureList.length,
    error: outcome.error ? { code: outcome.error.code, message: outcome.error.message } : null,
  };
  printResult(io, json, value, () => {
    const what = file === '-' ? 'standard input' : file;
    const verb = outcome.complete ? 'Imported' : outcome.batches ? 'Partly imported' : 'Did not import';
    const rows = [[`${verb} ${what} into "${title}": ${outcome.objects} objects read, ${outcome.successes} imported, ${outcome.failures} failed (${outcome.batches} batch${outcome.batches === 1 ? '' : 'es'}).`]];
    const shown = outcome.failureList.slice(0, 20);
    if (shown.length) rows.push([`Failures${outcome.failures > shown.length ? ` (first ${shown.length}; --json lists up to ${outcome.failureList.length})` : ''}:`]);
    for (const f of shown) rows.push([`  ${f.id}${f.version ? ` ${f.version}` : ''}: ${f.message ?? ''}`]);
    return rows;
  });
}
