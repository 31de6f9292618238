// Objects arriving over TAXII (or from a peer hub, or a bundle upload) become hub objects:
// each is validated on its own (one bad object never sinks the others), given the TLP its
// marking says (or the collection's default), shared with the collection's audience under
// the one sharing rule, appended to the version log, audited, and announced to the audience
// in real time — all in one transaction, so nothing is half-written.
import { intelChanged } from '../intel/intel-version.js';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import { allocateDateAdded, appendOwnVersions, existingVersions, insertVersions, latestVersions, toRow, versionMicros, type VersionRow } from '../objects/versions.repository.js';
import { recordEvent } from '../push/outbox.js';
import type { ShareRule } from '../sharing/policy.js';
import { referenceShares } from '../sharing/reference-shares.js';
import { checkShare, insertShare, type Share } from '../sharing/shares.js';
import type { Database } from '../store/schema.js';
import { warningExtensionDefinition, warningExtensionId } from '../stix/report.js';
import { recordImportedReport } from '../warnings/imported.js';
import { recordStixMentions } from '../intel/sources.js';
import { afterBulkWrite } from '../store/statistics.js';
import { formatStixMicros } from '../stix/time.js';
import { markingDefinitionFor, mostRestrictive, tlp2ExtensionDefinition, tlp2ExtensionId, tlpFromMarkingRef, type Tlp } from '../stix/tlp.js';
import { validateStixObject } from '../stix/validate.js';
import { audienceOf, type Collection } from './collections.js';
import { saveStatus, type StatusDetail, type StatusResource } from './status.repository.js';

/** Where objects came from when not from a member: a peer hub. */
/** How a peer hub is shown as the source of what came from it. */
export function peerOriginLabel(peerName: string): string {
  return `Hub: ${peerName}`;
}

export interface IngestOrigin {
  peerId: string;
  /** shown as the source: "Hub: State fusion centre" */
  label: string;
}

export interface IngestInput {
  objects: readonly unknown[];
  collection: Collection;
  origin?: IngestOrigin | null;
  /**
   * Keep the status resource (default). A bundle import or a pull, whose caller keeps its own
   * record and which nobody will ask at /status/{id}/, turns it off: a million-object import
   * would otherwise store a hundred status rows listing every object.
   */
  keepStatus?: boolean;
}

interface Accepted {
  object: Record<string, unknown>;
  id: string;
  version: number;
  tlp: Tlp;
}

export async function ingestObjects(ctx: AppContext, actor: Actor, input: IngestInput): Promise<StatusResource> {
  const requestTimestamp = ctx.now().toISOString();
  const nowUs = ctx.now().getTime() * 1000;
  const failures: StatusDetail[] = [];
  const successes: StatusDetail[] = [];
  const accepted: Accepted[] = [];
  const known: Array<Record<string, unknown>> = [];

  for (const raw of input.objects) {
    const checked = validateStixObject(raw);
    if (!checked.ok) {
      failures.push({ id: checked.id ?? '(no id)', version: versionText(raw), message: checked.errors.join('; ').slice(0, 1000) });
      continue;
    }
    const object = checked.object;
    const id = String(object.id);
    // Definitions every hub knows (TLP markings, the TLP 2.0 and warning extensions) are
    // reference objects: never a collection's own copy, and never the poster's version of them —
    // a "TLP:CLEAR" marking whose text said otherwise must not replace the real one.
    const wellKnown = wellKnownDefinition(object);
    if (wellKnown) {
      if (wellKnown !== 'known') known.push(wellKnown);
      successes.push({ id, version: versionText(object), message: 'a well-known definition; the hub keeps its own copy for everyone' });
      continue;
    }
    accepted.push({ object, id, version: versionMicros(object, nowUs), tlp: tlpOf(object, input.collection.defaultTlp) });
  }

  const { status, eventIds, written } = await ctx.db.transaction().execute(async (trx) => {
    if (known.length) await appendOwnVersions(trx, ctx.dialect, known.map((object) => ({ object, shareId: referenceShares.public })), nowUs);

    // One share per TLP in this request; a TLP the collection cannot carry fails its objects.
    const rules = new Map<Tlp, (ShareRule & { anonymous: boolean }) | AppError>();
    for (const tlp of new Set(accepted.map((a) => a.tlp))) rules.set(tlp, await ruleFor(trx, actor, tlp, input.collection, input.origin ?? null));

    const ids = accepted.map((a) => a.id);
    const [existing, latest] = await Promise.all([existingVersions(trx, ids), latestVersions(trx, ids)]);
    const toInsert: Array<Accepted & { isLatest: boolean }> = [];
    for (const a of accepted) {
      const versionText = formatStixMicros(a.version);
      const rule = rules.get(a.tlp)!;
      if (rule instanceof AppError) {
        failures.push({ id: a.id, version: versionText, message: rule.message });
        continue;
      }
      const key = `${a.id}|${a.version}`;
      if (existing.has(key)) {
        successes.push({ id: a.id, version: versionText, message: 'already added' });
        continue;
      }
      const current = latest.get(a.id);
      if (current && (current.producerOrgId !== rule.producerOrgId || current.originPeerId !== (input.origin?.peerId ?? null))) {
        failures.push({ id: a.id, version: versionText, message: 'an object with this id was shared by another producer; only its producer may add versions' });
        continue;
      }
      existing.add(key);
      const isLatest = !current || a.version > current.version;
      if (isLatest) latest.set(a.id, { id: a.id, version: a.version, shareId: '', producerOrgId: rule.producerOrgId, originPeerId: input.origin?.peerId ?? null });
      toInsert.push({ ...a, isLatest });
      successes.push({ id: a.id, version: versionText });
    }

    const shares = new Map<Tlp, Share>();
    for (const a of toInsert) {
      if (shares.has(a.tlp)) continue;
      const rule = rules.get(a.tlp) as ShareRule & { anonymous: boolean };
      shares.set(a.tlp, await insertShare(trx, rule, { userId: input.origin ? null : actor.userId, publicLabel: input.origin?.label ?? null }, requestTimestamp));
    }
    let next = await allocateDateAdded(trx, ctx.dialect, nowUs);
    const rows: VersionRow[] = toInsert.map((a) =>
      toRow(a.object, { dateAdded: next++, version: a.version, shareId: shares.get(a.tlp)!.id, isLatest: a.isLatest, originPeerId: input.origin?.peerId ?? null }),
    );
    // Two versions of one id in the same request: the newest is the latest.
    const newest = new Map<string, VersionRow>();
    for (const r of rows) if (r.is_latest && (newest.get(r.id)?.version ?? -1) < r.version) newest.set(r.id, r);
    for (const r of rows) if (r.is_latest && newest.get(r.id) !== r) r.is_latest = 0;
    await insertVersions(trx, rows);

    const eventIds: number[] = [];
    // Reports become warnings, so people are alerted as for one sent from the web form.
    const related = new Map(toInsert.map((a) => [a.id, a.object]));
    for (const a of toInsert) {
      if (a.object.type !== 'report' || !a.isLatest || newest.get(a.id)?.version !== a.version) continue;
      eventIds.push(...(await recordImportedReport(ctx, trx, shares.get(a.tlp)!, a.object, related, input.origin ? null : actor)));
    }
    // Indicators join the intel store (lookups, correlation, watchlists). Those a report of this
    // request names arrive as that report's warning instead, so one report is not counted twice.
    const inReports = new Set(toInsert.flatMap((a) => (a.object.type === 'report' && Array.isArray(a.object.object_refs) ? (a.object.object_refs as unknown[]).map(String) : [])));
    const indicators = toInsert.filter((a) => a.object.type === 'indicator' && newest.get(a.id)?.version === a.version && !inReports.has(a.id));
    if (indicators.length) eventIds.push(...(await recordStixMentions(ctx, trx, indicators.map((a) => ({ object: a.object, shareId: shares.get(a.tlp)!.id })))).eventIds);
    for (const [tlp, share] of shares) {
      const objects = toInsert.filter((a) => a.tlp === tlp).map((a) => a.object);
      eventIds.push(await announce(ctx, trx, share, input, objects, actor));
    }

    const status: StatusResource = {
      id: randomUUID(),
      status: 'complete',
      request_timestamp: requestTimestamp,
      total_count: input.objects.length,
      success_count: successes.length,
      failure_count: failures.length,
      pending_count: 0,
      ...(successes.length ? { successes } : {}),
      ...(failures.length ? { failures } : {}),
    };
    const kept = input.keepStatus !== false;
    if (kept) await saveStatus(trx, status, { orgId: actor.orgId, userId: actor.userId, tokenId: actor.tokenId }, requestTimestamp);
    await recordAudit(ctx, trx, actor, {
      action: input.origin ? 'federation.pull' : 'taxii.post',
      orgId: actor.orgId,
      targetType: 'collection',
      targetId: input.collection.id,
      details: { ...(kept ? { status: status.id } : {}), total: status.total_count, added: rows.length, failed: failures.length, ...(input.origin ? { peer: input.origin.peerId } : {}) },
    });
    return { status, eventIds, written: rows.length };
  });
  for (const id of eventIds) await ctx.bus.publish({ kind: 'event', id });
  // A 10,000-object envelope (or a bundle import's batches) is a bulk write: plan on fresh statistics.
  await afterBulkWrite(ctx, written, ['stix_versions', 'observables', 'mentions']);
  await intelChanged(ctx);
  return status;
}

/** The hub's own copy of a definition every hub knows, 'known' for one it recognises but does not serve (TLP 1.0 markings), or null. */
function wellKnownDefinition(object: Record<string, unknown>): Record<string, unknown> | 'known' | null {
  const id = String(object.id);
  if (object.type === 'marking-definition') {
    const tlp = tlpFromMarkingRef(id);
    if (!tlp) return null;
    const own = markingDefinitionFor(tlp);
    return own.id === id ? { ...own } : 'known';
  }
  if (id === warningExtensionId) return { ...warningExtensionDefinition };
  if (id === tlp2ExtensionId) return { ...tlp2ExtensionDefinition, extension_types: [...tlp2ExtensionDefinition.extension_types] };
  return null;
}

/** The share rule for objects of this TLP posted into the collection, or why they cannot be. */
async function ruleFor(trx: Kysely<Database>, actor: Actor, tlp: Tlp, collection: Collection, origin: IngestOrigin | null): Promise<(ShareRule & { anonymous: boolean }) | AppError> {
  const audience = audienceOf(collection);
  try {
    if (collection.kind === 'public' && tlp !== 'clear') throw new AppError('TLP_WIDER_THAN_COLLECTION', { tlp: tlp.toUpperCase(), collection: collection.title });
    if (origin) {
      // A peer hub's objects: no member produced them; only CLEAR and GREEN ever arrive.
      if (tlp !== 'clear' && tlp !== 'green') throw new AppError('TLP_WIDER_THAN_COLLECTION', { tlp: tlp.toUpperCase(), collection: collection.title });
      return { tlp, audienceKind: audience.kind, producerOrgId: null, audienceOrgIds: audience.orgIds ?? [], audienceGroupIds: audience.groupIds ?? [], anonymous: false };
    }
    return await checkShare(trx, actor, { tlp, audience }, { allowOwnOrgOnly: true });
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

/** TLP from the object's markings, object-level or granular (TLP 2.0 or 1.0; the most restrictive when several), else the default. */
function tlpOf(object: Record<string, unknown>, fallback: Tlp): Tlp {
  const refs: unknown[] = Array.isArray(object.object_marking_refs) ? [...object.object_marking_refs] : [];
  // A TLP on part of the object (granular marking) governs the whole object here: the hub
  // shares objects, not properties, so the most restrictive TLP anywhere in it wins.
  if (Array.isArray(object.granular_markings)) {
    for (const g of object.granular_markings) if (g && typeof g === 'object') refs.push((g as { marking_ref?: unknown }).marking_ref);
  }
  let found: Tlp | null = null;
  for (const ref of refs) {
    const tlp = typeof ref === 'string' ? tlpFromMarkingRef(ref) : null;
    if (tlp) found = found ? mostRestrictive(found, tlp) : tlp;
  }
  return found ?? fallback;
}

async function announce(ctx: AppContext, trx: Kysely<Database>, share: Share, input: IngestInput, objects: Array<Record<string, unknown>>, actor: Actor): Promise<number> {
  const byType: Record<string, number> = {};
  for (const o of objects) byType[String(o.type)] = (byType[String(o.type)] ?? 0) + 1;
  const producer = input.origin
    ? input.origin.label
    : share.producerOrgId
      ? ((await trx.selectFrom('organisations').select('name').where('id', '=', share.producerOrgId).executeTakeFirst())?.name ?? null)
      : null;
  const payload = {
    type: 'stix.added',
    collection: { id: input.collection.id, title: input.collection.title },
    tlp: share.tlp,
    producer,
    count: objects.length,
    types: byType,
    objects: objects.slice(0, 20).map((o) => ({ id: o.id, type: o.type, ...(typeof o.name === 'string' ? { name: o.name.slice(0, 200) } : {}) })),
  };
  return recordEvent(ctx, trx, {
    type: 'stix.added',
    shareId: share.id,
    subjectId: input.collection.id,
    rule: share,
    meta: { tlp: share.tlp, kind: 'stix', severity: 'low', groupIds: share.audienceGroupIds },
    full: payload,
    others: payload,
    actorUserId: actor.userId,
    mail: false,
  });
}

function versionText(raw: unknown): string {
  if (raw && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    const v = o.modified ?? o.created;
    if (typeof v === 'string') return v.slice(0, 40);
  }
  return '';
}
