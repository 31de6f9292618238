// Fake SIEM endpoints for tests, real HTTP servers on 127.0.0.1: a Splunk HTTP Event Collector
// and an Elasticsearch _bulk endpoint. Each checks the wire format as strictly as the vendor
// documents it, records every violation, and answers as the vendor would.
import http, { type IncomingHttpHeaders } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';

// --- a fake Splunk HTTP Event Collector ---------------------------------------------------

export interface HecEvent {
  time: number;
  host: string;
  source: string;
  sourcetype: string;
  index?: string;
  event: Record<string, any>;
}

export interface HecRequest {
  headers: IncomingHttpHeaders;
  path: string;
  body: string;
  events: HecEvent[];
}

export interface Fake<R> {
  url: string;
  requests: R[];
  /** every way a request broke the documented format; a test expects none */
  violations: string[];
  close(): Promise<void>;
}

const servers: Array<Fake<unknown>> = [];

/** Close every fake started so far (call it after each test). */
export async function closeSiemFakes(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close()));
}

async function listen<R>(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void, fake: Omit<Fake<R>, 'url' | 'close'>, path: string): Promise<Fake<R>> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const f: Fake<R> = {
    ...fake,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(f as Fake<unknown>);
  return f;
}

/** Concatenated JSON objects, whitespace allowed between them (HEC's batch format). */
function splitJsonObjects(body: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  while (i < body.length) {
    if (/\s/.test(body[i]!)) {
      i++;
      continue;
    }
    if (body[i] !== '{') throw new Error(`unexpected ${JSON.stringify(body[i])} at ${i}`);
    let depth = 0;
    let inString = false;
    let j = i;
    for (; j < body.length; j++) {
      const c = body[j]!;
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    out.push(JSON.parse(body.slice(i, j + 1)));
    i = j + 1;
  }
  return out;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The metadata keys HEC's /services/collector/event takes, with their documented types. */
function hecEventProblems(e: unknown): string[] {
  const p: string[] = [];
  if (!e || typeof e !== 'object' || Array.isArray(e)) return ['not an object'];
  const o = e as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['time', 'host', 'source', 'sourcetype', 'index', 'event', 'fields'].includes(k)) p.push(`unknown key ${k}`);
  if (typeof o.time !== 'number' || !Number.isFinite(o.time) || o.time < 1e9 || Math.round(o.time * 1000) / 1000 !== o.time) p.push(`time must be epoch seconds with at most ms: ${String(o.time)}`);
  for (const k of ['host', 'source', 'sourcetype']) if (typeof o[k] !== 'string' || !o[k]) p.push(`${k} must be a non-empty string`);
  if (o.index !== undefined && (typeof o.index !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/.test(o.index))) p.push('index is not an index name');
  const ev = o.event as Record<string, unknown> | undefined;
  if (!ev || typeof ev !== 'object' || Array.isArray(ev) || Object.keys(ev).length === 0) p.push('event must be a non-empty object');
  else for (const k of ['record', 'action', 'tocsin_event']) if (typeof ev[k] !== 'string') p.push(`event.${k} must be a string`);
  return p;
}

export async function startHec(token: string, respond?: (n: number) => { status: number; body: string } | undefined): Promise<Fake<HecRequest>> {
  const fake = { requests: [] as HecRequest[], violations: [] as string[] };
  const hecError = (res: http.ServerResponse, status: number, text: string, code: number, extra: Record<string, unknown> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify({ text, code, ...extra }));
  };
  return listen<HecRequest>(
    (req, body, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      let events: HecEvent[] = [];
      try {
        events = splitJsonObjects(body) as HecEvent[];
      } catch (err) {
        fake.violations.push(`body is not concatenated JSON objects: ${(err as Error).message}`);
      }
      fake.requests.push({ headers: req.headers, path, body, events });
      const n = fake.requests.length;
      const v = (problem: string) => fake.violations.push(`request ${n}: ${problem}`);
      if (req.method !== 'POST') v(`method ${req.method}`);
      if (path !== '/services/collector/event') return hecError(res, 404, 'The requested URL was not found on this server.', 404);
      if (!String(req.headers['content-type']).startsWith('application/json')) v(`content-type ${req.headers['content-type']}`);
      if (!guid.test(String(req.headers['x-splunk-request-channel']))) v('X-Splunk-Request-Channel is not a GUID');
      const auth = req.headers.authorization;
      if (!auth) return hecError(res, 401, 'Token is required', 2);
      if (!auth.startsWith('Splunk ')) return hecError(res, 401, 'Invalid authorization', 3);
      if (auth !== `Splunk ${token}`) return hecError(res, 403, 'Invalid token', 4);
      if (events.length === 0) return hecError(res, 400, 'No data', 5);
      for (const [i, e] of events.entries()) {
        const problems = hecEventProblems(e);
        if (problems.length) {
          problems.forEach((p) => v(`event ${i}: ${p}`));
          return hecError(res, 400, 'Invalid data format', 6, { 'invalid-event-number': i });
        }
      }
      const custom = respond?.(n);
      if (custom) return res.writeHead(custom.status, { 'content-type': 'application/json' }).end(custom.body);
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end('{"text":"Success","code":0}');
    },
    fake,
    '/services/collector/event',
  );
}

// --- a fake Elasticsearch _bulk endpoint ---------------------------------------------------

export interface BulkPair {
  action: { create: { _index: string; _id: string } };
  doc: Record<string, any>;
}

export interface BulkRequest {
  headers: IncomingHttpHeaders;
  path: string;
  query: URLSearchParams;
  body: string;
  pairs: BulkPair[];
}

const ecsTypes: Readonly<Record<string, (ind: Record<string, any>) => boolean>> = {
  'ipv4-addr': (i) => isIP(String(i.ip)) === 4,
  'ipv6-addr': (i) => isIP(String(i.ip)) === 6,
  'domain-name': (i) => typeof i.url?.domain === 'string' && i.url.domain.length > 0,
  url: (i) => typeof i.url?.full === 'string' && typeof i.url?.domain === 'string' && typeof i.url?.scheme === 'string',
  'email-addr': (i) => typeof i.email?.address === 'string' && i.email.address.includes('@'),
  file: (i) => {
    const h = i.file?.hash as Record<string, unknown> | undefined;
    return Boolean(h) && Object.entries(h!).every(([k, v]) => ['md5', 'sha1', 'sha256'].includes(k) && /^[0-9a-f]+$/.test(String(v)));
  },
};

/** ECS 8.x: the event.* categorisation values and the threat.indicator.* fields we rely on. */
function ecsProblems(doc: Record<string, any>, index: string): string[] {
  const p: string[] = [];
  for (const k of Object.keys(doc)) if (!['@timestamp', 'ecs', 'data_stream', 'event', 'message', 'tags', 'threat', 'tocsin'].includes(k)) p.push(`unexpected top-level field ${k}`);
  if (typeof doc['@timestamp'] !== 'string' || Number.isNaN(Date.parse(doc['@timestamp']))) p.push('@timestamp must be a date');
  const ev = doc.event ?? {};
  if (!['enrichment', 'event', 'alert'].includes(ev.kind)) p.push(`event.kind ${ev.kind}`);
  if (!Array.isArray(ev.category) || !ev.category.every((c: unknown) => ['threat', 'configuration'].includes(String(c)))) p.push('event.category must be an array of ECS categories');
  if (!Array.isArray(ev.type) || !ev.type.every((t: unknown) => ['indicator', 'deletion', 'info'].includes(String(t)))) p.push('event.type must be an array of ECS types');
  if (ev.module !== 'ti_tocsin') p.push('event.module must be ti_tocsin (prebuilt rules read event.module:ti_*)');
  if (typeof ev.dataset !== 'string' || typeof ev.action !== 'string') p.push('event.dataset and event.action must be strings');
  if (!Array.isArray(doc.tags) || !doc.tags.every((t: unknown) => typeof t === 'string')) p.push('tags must be an array of strings');
  if (doc.ecs?.version !== '8.11.0') p.push('ecs.version');
  if (doc.data_stream) {
    const ds = doc.data_stream;
    if (`${ds.type}-${ds.dataset}-${ds.namespace}` !== index) p.push('data_stream.* does not match the index');
    if (ev.dataset !== ds.dataset) p.push('event.dataset differs from data_stream.dataset');
  }
  if (ev.category?.includes('threat')) {
    const ind = doc.threat?.indicator;
    if (!ind || typeof ind !== 'object') p.push('threat.indicator is missing');
    else {
      const check = ecsTypes[ind.type];
      if (!check) p.push(`threat.indicator.type ${ind.type}`);
      else if (!check(ind)) p.push(`threat.indicator value fields do not fit ${ind.type}`);
      if (!['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'].includes(ind.marking?.tlp)) p.push('threat.indicator.marking.tlp');
      if (typeof ind.provider !== 'string') p.push('threat.indicator.provider');
      for (const k of ['first_seen', 'modified']) if (ind[k] !== undefined && Number.isNaN(Date.parse(ind[k]))) p.push(`threat.indicator.${k} must be a date`);
    }
    if (typeof doc.threat?.feed?.name !== 'string') p.push('threat.feed.name');
  }
  return p;
}

export type ItemStatus = (pair: BulkPair, request: number) => number;

const itemErrors: Readonly<Record<number, { type: string; reason: string }>> = {
  400: { type: 'document_parsing_exception', reason: '[1:412] failed to parse field [threat.indicator.ip] of type [ip] in document' },
  429: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation [shard_detail=[logs][0][P]]' },
};

export async function startElastic(auth: string, itemStatus: ItemStatus = () => 201, path = ''): Promise<Fake<BulkRequest> & { stored: Map<string, Record<string, any>> }> {
  const stored = new Map<string, Record<string, any>>();
  const fake = { requests: [] as BulkRequest[], violations: [] as string[] };
  const f = await listen<BulkRequest>(
    (req, body, res) => {
      const url = new URL(req.url!, 'http://x');
      const pairs: BulkPair[] = [];
      const request: BulkRequest = { headers: req.headers, path: url.pathname, query: url.searchParams, body, pairs };
      fake.requests.push(request);
      const n = fake.requests.length;
      const v = (problem: string) => fake.violations.push(`request ${n}: ${problem}`);
      const esError = (status: number, type: string, reason: string) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status }));
      if (req.method !== 'POST') v(`method ${req.method}`);
      if (!url.pathname.endsWith('/_bulk')) return esError(404, 'index_not_found_exception', 'no such index');
      if (req.headers.authorization !== auth) return esError(401, 'security_exception', 'unable to authenticate with provided credentials and anonymous access is not allowed for this request');
      if (req.headers['content-type'] !== 'application/x-ndjson') v(`content-type ${req.headers['content-type']}`);
      if (!body.endsWith('\n')) return esError(400, 'illegal_argument_exception', 'The bulk request must be terminated by a newline [\\n]');
      const lines = body.slice(0, -1).split('\n');
      if (lines.length % 2 !== 0) v('an action line without its document');
      for (let i = 0; i + 1 < lines.length; i += 2) {
        let action: any;
        let doc: any;
        try {
          action = JSON.parse(lines[i]!);
          doc = JSON.parse(lines[i + 1]!);
        } catch (err) {
          v(`line ${i + 1} or ${i + 2} is not JSON: ${(err as Error).message}`);
          continue;
        }
        // Data streams take create actions only.
        if (Object.keys(action).join() !== 'create' || typeof action.create._index !== 'string' || typeof action.create._id !== 'string') v(`line ${i + 1}: not a create action with _index and _id: ${lines[i]}`);
        ecsProblems(doc, action.create?._index).forEach((p) => v(`document ${i / 2}: ${p}`));
        pairs.push({ action, doc });
      }
      const items = pairs.map((pair) => {
        const { _index, _id } = pair.action.create;
        const key = `${_index}/${_id}`;
        if (stored.has(key)) {
          return { create: { _index, _id, status: 409, error: { type: 'version_conflict_engine_exception', reason: `[${_id}]: version conflict, document already exists (current version [1])` } } };
        }
        const status = itemStatus(pair, n);
        if (status === 201) {
          stored.set(key, pair.doc);
          return { create: { _index, _id, _version: 1, result: 'created', status: 201 } };
        }
        return { create: { _index, _id, status, error: itemErrors[status] ?? { type: 'exception', reason: 'failed' } } };
      });
      const errors = items.some((i) => i.create.status >= 300);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ took: 3, errors, items }));
    },
    fake,
    path,
  );
  return Object.assign(f, { stored });
}
