// An export as a MISP feed directory, so MISP instances can subscribe to the hub: manifest.json
// (one entry per event), hashes.csv (md5 of each value → its event) and one <uuid>.json per
// event. An event holds the values first seen on one UTC day; its uuid is fixed for the export
// and the day, and its timestamp is the export's change serial — whenever the content may have
// changed, every event reads as changed, so a subscriber never keeps a value the hub retired.
import type { Kysely } from 'kysely';
import { notFound } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { Tlp } from '../stix/tlp.js';
import { mostRestrictive } from '../stix/tlp.js';
import { earliestFirstSeen, type ItemFilter } from './exports.repository.js';
import { mispEventUuid, MispEventStream, mispHashLines, mispManifestEntryOf, type MispEventMeta } from './formats/misp-feed.js';
import type { ExportContext, ExportItem } from './formats/types.js';
import { exportItems } from './items.js';

const dayMs = 86_400_000;
/** How far back event files are looked for (a MISP feed of more than ten years is not ours). */
const maxDays = 3660;

export type MispFile = { kind: 'manifest' } | { kind: 'hashes' } | { kind: 'event'; uuid: string };

/** Which file of the directory a request names; null when none. */
export function mispFileOf(name: string | undefined): MispFile | null {
  if (name === undefined || name === '' || name === 'manifest.json') return { kind: 'manifest' };
  if (name === 'hashes.csv') return { kind: 'hashes' };
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/i.exec(name);
  return m ? { kind: 'event', uuid: m[1]!.toLowerCase() } : null;
}

function dayOf(item: ExportItem): string {
  return item.firstSeen.slice(0, 10);
}

function meta(exportId: string, exportName: string, day: string, ctx: ExportContext): MispEventMeta {
  return { uuid: mispEventUuid(ctx.hubUrl, `${exportId}|${day}`), info: `${exportName}: values first seen on ${day}`, timestamp: ctx.serial, date: day };
}

export interface MispCounts {
  values: number;
  skipped: number;
  byType: Record<string, number>;
}

function count(counts: MispCounts, item: ExportItem, written: boolean): void {
  if (!written) {
    counts.skipped++;
    return;
  }
  counts.values++;
  counts.byType[item.type] = (counts.byType[item.type] ?? 0) + 1;
}

/** The lines of one file of the directory (see mispFileOf). */
export async function* mispDirectoryFile(
  db: Kysely<Database>,
  file: MispFile,
  filter: ItemFilter,
  exportRow: { id: string; name: string },
  ctx: ExportContext,
  counts: MispCounts,
): AsyncGenerator<string> {
  if (file.kind === 'manifest') {
    // One pass; memory is one entry per day.
    const days = new Map<string, Tlp>();
    for await (const item of exportItems(db, filter, { hubUrl: ctx.hubUrl })) {
      const day = dayOf(item);
      days.set(day, mostRestrictive(days.get(day) ?? 'clear', item.tlp));
      count(counts, item, true);
    }
    const entries = [...days.entries()].sort(([a], [b]) => a.localeCompare(b));
    yield '{';
    let first = true;
    for (const [day, tlp] of entries) {
      const m = meta(exportRow.id, exportRow.name, day, ctx);
      yield `${first ? '' : ','}\n${JSON.stringify(m.uuid)}:${JSON.stringify(mispManifestEntryOf(m, tlp, ctx))}`;
      first = false;
    }
    yield '\n}\n';
    return;
  }
  if (file.kind === 'hashes') {
    for await (const item of exportItems(db, filter, { hubUrl: ctx.hubUrl })) {
      count(counts, item, true);
      yield mispHashLines(item.value, meta(exportRow.id, exportRow.name, dayOf(item), ctx).uuid);
    }
    return;
  }
  const day = await dayOfEvent(db, file.uuid, exportRow, ctx);
  if (!day) throw notFound('MISP event');
  const stream = new MispEventStream(meta(exportRow.id, exportRow.name, day, ctx), ctx);
  const from = `${day}T00:00:00.000Z`;
  const before = new Date(Date.parse(from) + dayMs).toISOString();
  yield stream.open();
  for await (const item of exportItems(db, { ...filter, firstSeenFrom: from, firstSeenBefore: before }, { hubUrl: ctx.hubUrl })) {
    const line = stream.attribute(item);
    count(counts, item, line !== null);
    if (line !== null) yield line;
  }
  yield stream.close();
}

/** The day whose event has this uuid: uuids cannot be reversed, so the candidate days are tried. */
async function dayOfEvent(db: Kysely<Database>, uuid: string, exportRow: { id: string; name: string }, ctx: ExportContext): Promise<string | null> {
  const earliest = await earliestFirstSeen(db);
  if (!earliest) return null;
  const start = Date.parse(`${earliest}T00:00:00.000Z`);
  const end = Date.parse(ctx.generatedAt);
  for (let t = end - (end % dayMs), n = 0; t >= start && n < maxDays; t -= dayMs, n++) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (meta(exportRow.id, exportRow.name, day, ctx).uuid === uuid) return day;
  }
  return null;
}
