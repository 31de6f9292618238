// Server-sent events: each signed-in user or token holds a stream of the events addressed
// to them. Events come from the store (so every process sees every event), are filtered in
// memory with the sharing policy, and carry ids: reconnecting with Last-Event-ID replays
// exactly what was missed, across reconnects and restarts, within the retention window.
import type { ServerResponse } from 'node:http';
import type { AppContext } from '../context.js';
import { isRecipient, loadShareRules, readerFor, type Reader, type ShareRule } from '../sharing/policy.js';
import type { Actor } from '../orgs/actor.js';
import type { EventRow } from '../store/schema.js';
import type { StoredEventData } from './outbox.js';

export interface StreamClient {
  actor: Actor;
  reader: Reader;
  res: ServerResponse;
  /** highest event id written to this client */
  lastId: number;
  /** while replaying, live events wait here */
  pending: PreparedEvent[] | null;
  /** re-checks the credential; null when it was revoked, expired or signed out */
  revalidate: () => Promise<Actor | null>;
  /** identifies the credential (a session or a token), so streams sharing it are checked once */
  credentialKey: string;
}

interface PreparedEvent {
  id: number;
  type: string;
  rule: ShareRule | undefined;
  producerOrgId: string | null;
  /** serialized SSE frames: for the producer's organisation, and for everyone else */
  frameOwn: string;
  frameOthers: string;
}

// Per client; a reader this far behind is dropped and resumes with Last-Event-ID.
const maxBuffered = 256 * 1024;
const batch = 500;

export class StreamHub {
  private readonly clients = new Set<StreamClient>();
  private lastId = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | null = null;
  private started = false;

  constructor(private readonly ctx: AppContext) {}

  get size(): number {
    return this.clients.size;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.lastId = await this.maxEventId();
    this.unsubscribe = this.ctx.bus.subscribe((m) => {
      if (m.kind === 'sharing' || m.kind === 'auth') void this.refreshReaders();
      else this.wake();
    });
    // Fallbacks: a lost hint is caught within seconds; heartbeats keep proxies from closing idle streams.
    this.timers.push(setInterval(() => this.wake(), 2000));
    this.timers.push(setInterval(() => this.heartbeat(), 20_000));
    this.timers.push(setInterval(() => void this.refreshReaders(), 30_000));
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.running;
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  /** Attach a client; replays events after `lastEventId` when given. */
  async add(client: Omit<StreamClient, 'lastId' | 'pending'>, lastEventId: number | null): Promise<void> {
    const c: StreamClient = { ...client, lastId: lastEventId ?? this.lastId, pending: lastEventId === null ? null : [] };
    this.clients.add(c);
    c.res.on('close', () => this.clients.delete(c));
    if (lastEventId === null) return;
    const oldest = await this.ctx.db.selectFrom('events').select((eb) => eb.fn.min('id').as('id')).executeTakeFirst();
    const oldestId = oldest?.id == null ? null : Number(oldest.id);
    if (oldestId !== null && lastEventId < oldestId - 1) {
      // Events in between were removed by retention: the client must reload instead of trusting the stream.
      write(c, `event: reset\ndata: ${JSON.stringify({ reason: 'events before this point are no longer kept', oldestId })}\n\n`);
    }
    let cursor = lastEventId;
    for (;;) {
      const rows = await this.ctx.db.selectFrom('events').selectAll().where('id', '>', cursor).orderBy('id').limit(batch).execute();
      if (rows.length === 0) break;
      for (const e of await this.prepare(rows)) this.deliver(c, e);
      cursor = Number(rows[rows.length - 1]!.id);
    }
    const queued = c.pending ?? [];
    c.pending = null;
    for (const e of queued) this.deliver(c, e);
  }

  wake(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pump()
      .catch((err: unknown) => this.ctx.log.error({ err }, 'event stream pump failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      const rows = await this.ctx.db.selectFrom('events').selectAll().where('id', '>', this.lastId).orderBy('id').limit(batch).execute();
      if (rows.length === 0) return;
      const prepared = await this.prepare(rows);
      for (const e of prepared) {
        for (const c of this.clients) {
          if (c.pending) c.pending.push(e);
          else this.deliver(c, e);
        }
      }
      this.lastId = Number(rows[rows.length - 1]!.id);
    }
  }

  private async prepare(rows: EventRow[]): Promise<PreparedEvent[]> {
    const rules = await loadShareRules(this.ctx.db, rows.map((r) => r.share_id).filter((s): s is string => s !== null));
    return rows.map((row) => {
      const data = JSON.parse(row.data) as StoredEventData;
      const frame = (payload: unknown) => `id: ${row.id}\nevent: ${row.type}\ndata: ${JSON.stringify({ id: Number(row.id), type: row.type, at: row.at, data: payload })}\n\n`;
      return {
        id: Number(row.id),
        type: row.type,
        rule: row.share_id ? rules.get(row.share_id) : undefined,
        producerOrgId: data.producerOrgId,
        frameOwn: frame(data.full),
        frameOthers: frame(data.others),
      };
    });
  }

  private deliver(c: StreamClient, e: PreparedEvent): void {
    if (e.id <= c.lastId) return;
    c.lastId = e.id;
    // An event without a share (none yet) is never sent: nothing leaves without the policy saying so.
    if (!e.rule || !isRecipient(c.reader, e.rule)) return;
    write(c, c.reader.orgId !== null && c.reader.orgId === e.producerOrgId ? e.frameOwn : e.frameOthers);
  }

  private heartbeat(): void {
    for (const c of this.clients) write(c, `: keep-alive\n\n`);
  }

  /** Group memberships or credentials changed: recompute each client's reader, drop revoked ones. */
  async refreshReaders(): Promise<void> {
    // Many streams share a credential (a SOC's token) or an organisation: check each once.
    const actors = new Map<string, Promise<Actor | null>>();
    const readers = new Map<string, Promise<Reader>>();
    let n = 0;
    for (const c of [...this.clients]) {
      try {
        let pending = actors.get(c.credentialKey);
        if (!pending) actors.set(c.credentialKey, (pending = c.revalidate()));
        const actor = await pending;
        if (!actor) {
          write(c, `event: end\ndata: {"reason":"signed out or credential revoked"}\n\n`);
          c.res.end();
          this.clients.delete(c);
          continue;
        }
        // A peer hub's token reads less than its organisation: never the same reader.
        const key = `${actor.orgId ?? ''}|${actor.isOperator}|${actor.peer ? `${actor.peer.id}:${actor.peer.sameCommunity}` : ''}`;
        let reader = readers.get(key);
        if (!reader) readers.set(key, (reader = readerFor(this.ctx.db, actor)));
        c.actor = actor;
        c.reader = await reader;
      } catch (err) {
        this.ctx.log.warn({ err }, 'could not refresh a stream reader');
      }
      // Let streams be written between slices of a long refresh.
      if (++n % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async maxEventId(): Promise<number> {
    const row = await this.ctx.db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id == null ? 0 : Number(row.id);
  }
}

function write(c: StreamClient, frame: string): void {
  if (c.res.writableEnded || c.res.destroyed) return;
  // A client that stopped reading is dropped rather than buffered without bound; it will
  // reconnect with Last-Event-ID and lose nothing.
  if (c.res.writableLength > maxBuffered) {
    c.res.destroy();
    return;
  }
  c.res.write(frame);
}
