// Test fixtures for the TAXII suites: a hub with three cities (two in a sharing group), an
// observer, tokens, and a client that speaks TAXII as the reference client does.
import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createTestHub, type SignedInUser, type TestHub } from './harness.js';
import type { DialectName } from '../store/dialect.js';
import { markingIdFor, type Tlp } from '../stix/tlp.js';
import { taxiiMediaType } from '../taxii/media.js';

export const root = '/taxii2/tocsin';

export interface TaxiiWorld {
  hub: TestHub;
  orgA: { id: string };
  orgB: { id: string };
  orgC: { id: string };
  groupId: string;
  analystA: SignedInUser;
  analystB: SignedInUser;
  analystC: SignedInUser;
  /** write-scoped tokens */
  tokenA: string;
  tokenB: string;
  tokenC: string;
  readOnlyA: string;
  observerToken: string;
}

export async function createTaxiiWorld(dialect: DialectName, overrides: Record<string, string> = {}): Promise<TaxiiWorld> {
  const hub = await createTestHub(dialect, overrides, { workers: false });
  const orgA = await hub.createOrg({ name: 'Springfield' });
  const orgB = await hub.createOrg({ name: 'Shelbyville' });
  const orgC = await hub.createOrg({ name: 'Capital City' });
  const federal = await hub.createOrg({ name: 'Federal Partner', kind: 'federal', observer: true });
  const analystA = await hub.createUser({ orgId: orgA.id, role: 'analyst' });
  const analystB = await hub.createUser({ orgId: orgB.id, role: 'analyst' });
  const analystC = await hub.createUser({ orgId: orgC.id, role: 'analyst' });
  const observer = await hub.createUser({ orgId: federal.id, role: 'admin' });
  const operator = await hub.createUser({ orgId: null, isOperator: true });
  const g = await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: 'Region 3 cities', ownerOrgId: orgA.id } });
  expect(g.statusCode, g.body).toBe(201);
  const groupId = g.json().id as string;
  await hub.as(operator, { method: 'PUT', url: `/api/groups/${groupId}/members/${orgB.id}` });
  const token = async (user: SignedInUser, scopes: string[]) => {
    const res = await hub.as(user, { method: 'POST', url: '/api/tokens', payload: { name: 'siem', scopes } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().secret as string;
  };
  return {
    hub,
    orgA,
    orgB,
    orgC,
    groupId,
    analystA,
    analystB,
    analystC,
    tokenA: await token(analystA, ['read', 'write']),
    tokenB: await token(analystB, ['read', 'write']),
    tokenC: await token(analystC, ['read', 'write']),
    readOnlyA: await token(analystA, ['read']),
    observerToken: await token(observer, ['read']),
  };
}

/** A request as a TAXII client sends it: Accept, Bearer token, and a TAXII body when posting. */
export function taxii(hub: TestHub, token: string | null, opts: Partial<InjectOptions> & { url: string }): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { accept: taxiiMediaType, ...((opts.headers as Record<string, string>) ?? {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  const payload = opts.payload !== undefined && typeof opts.payload !== 'string' ? JSON.stringify(opts.payload) : opts.payload;
  if (payload !== undefined && !('content-type' in headers)) headers['content-type'] = taxiiMediaType;
  return hub.app.inject({ method: 'GET', ...opts, headers, ...(payload !== undefined ? { payload } : {}) } as InjectOptions);
}

let seq = 0;
/** A valid STIX 2.1 indicator for an IPv4 address. */
export function indicator(opts: { tlp?: Tlp; id?: string; modified?: string; created?: string; ip?: string } = {}): Record<string, unknown> {
  seq += 1;
  const created = opts.created ?? '2026-11-20T10:00:00.000Z';
  const ip = opts.ip ?? `198.51.100.${seq % 250}`;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: opts.id ?? `indicator--${randomUUID()}`,
    created,
    modified: opts.modified ?? created,
    name: `Scanner ${ip}`,
    description: 'Seen scanning city VPN gateways.',
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '${ip}']`,
    pattern_type: 'stix',
    valid_from: created,
    ...(opts.tlp ? { object_marking_refs: [markingIdFor(opts.tlp)] } : {}),
  };
}

export function envelope(objects: unknown[]): { objects: unknown[] } {
  return { objects };
}
