// Exporting a collection as one STIX 2.1 bundle, streamed page by page in the order the hub
// added the objects: every page goes through the sharing policy, as a TAXII read does, and
// the stored JSON text is written as it is (never parsed), so an export of any size runs in
// the memory of one page.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import { readerFor } from '../sharing/policy.js';
import { parseTimestampMicros } from '../stix/time.js';
import type { Collection } from '../taxii/collections.js';
import type { ObjectFilters } from '../taxii/filters.js';
import { selectPage } from '../taxii/taxii.repository.js';

export interface ExportOptions {
  collection: Collection;
  /** STIX types to keep (all when empty) */
  types?: readonly string[];
  /** only what the hub added after this time (TAXII's added_after) */
  since?: string | null;
  /** every version of each object, not only the latest */
  allVersions?: boolean;
  pageSize?: number;
}

const typePattern = /^[a-z0-9][a-z0-9-]{0,249}$/;

/** Checked options; throws before anything is written, so a bad request never starts a download. */
export function exportFilters(options: ExportOptions): ObjectFilters {
  const types = [...new Set((options.types ?? []).map((t) => t.trim()).filter(Boolean))];
  const wrong = types.find((t) => !typePattern.test(t));
  if (wrong !== undefined) throw new AppError('VALIDATION_FAILED', { detail: `type "${wrong.slice(0, 80)}" is not a STIX type such as indicator or x-mitre-tactic` });
  if (types.length > 100) throw new AppError('VALIDATION_FAILED', { detail: 'give at most 100 types' });
  let addedAfter: number | null = null;
  if (options.since) {
    addedAfter = parseTimestampMicros(options.since);
    if (addedAfter === null) throw new AppError('VALIDATION_FAILED', { detail: `since "${options.since.slice(0, 60)}" is not a timestamp such as 2026-01-31T12:00:00Z` });
  }
  return {
    addedAfter,
    ids: null,
    types: types.length ? types : null,
    versions: options.allVersions ? { all: true, first: false, last: false, exact: [] } : { all: false, first: false, last: true, exact: [] },
    specVersions: null,
    limit: Math.max(1, Math.min(options.pageSize ?? 1000, 10_000)),
    next: null,
  };
}

/**
 * The bundle as text chunks (the opening, one chunk per page, the closing). Each chunk ends
 * with a newline, one object per line (the separating comma leads the line), so the file is
 * also easy to grep and diff.
 */
export async function* exportBundle(ctx: AppContext, actor: Actor, options: ExportOptions, counter?: { objects: number }): AsyncGenerator<string, void, undefined> {
  requireScope(actor, 'read');
  const filters = exportFilters(options);
  const reader = await readerFor(ctx.db, actor);
  yield `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[\n`;
  let after: number | null = null;
  let first = true;
  for (;;) {
    const rows = await selectPage(ctx.db, { collection: options.collection, reader, filters, after, withData: true });
    const more = rows.length > filters.limit;
    if (more) rows.length = filters.limit;
    if (rows.length) {
      yield `${rows.map((r, i) => (first && i === 0 ? '' : ',') + r.data!).join('\n')}\n`;
      first = false;
      if (counter) counter.objects += rows.length;
      after = rows[rows.length - 1]!.date_added;
    }
    if (!more) break;
  }
  yield ']}\n';
}
