// The sharing matrix: random organisations, groups, TLP levels and audiences. For every
// warning and every organisation, an oracle written from the design's sharing table says
// who may see it; the test checks that each read path agrees — the REST list and its
// count, the detail view, the STIX view, the SQL filter, the in-memory rule used by
// streams and deliveries — and that an organisation outside the audience learns nothing:
// not the content, not the title, not that the warning exists.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { canRead, isRecipient, loadShareRules, readerForOrg, visibleTo } from './policy.js';

const tlps = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
const audienceKinds = ['orgs', 'groups', 'members', 'public'] as const;
const orgCount = 6;
const groupCount = 3;

interface Attempt {
  producer: number;
  tlp: (typeof tlps)[number];
  audience: (typeof audienceKinds)[number];
  orgs: number[];
  groups: number[];
  anonymous: boolean;
}

interface Sent extends Attempt {
  id: string;
  title: string;
}

const attempt: fc.Arbitrary<Attempt> = fc.record({
  producer: fc.integer({ min: 0, max: orgCount - 1 }),
  tlp: fc.constantFrom(...tlps),
  audience: fc.constantFrom(...audienceKinds),
  orgs: fc.uniqueArray(fc.integer({ min: 0, max: orgCount - 1 }), { maxLength: 3 }),
  groups: fc.uniqueArray(fc.integer({ min: 0, max: groupCount - 1 }), { maxLength: 2 }),
  anonymous: fc.boolean(),
});

for (const dialect of dialects) {
  describe(`sharing matrix [${dialect}]`, () => {
    let hub: TestHub;
    const orgIds: string[] = [];
    const orgNames: string[] = [];
    const users: SignedInUser[] = [];
    const groupIds: string[] = [];
    // members[g] = the organisations in group g (its owner included)
    const members: Array<Set<number>> = [];
    const sent: Sent[] = [];

    beforeAll(async () => {
      hub = await createTestHub(dialect, {}, { workers: false });
      const operator = await hub.createUser({ orgId: null, isOperator: true });
      for (let i = 0; i < orgCount; i++) {
        const org = await hub.createOrg({ name: `Matrix Town ${i} ${dialect}` });
        orgIds.push(org.id);
        orgNames.push(org.name);
        users.push(await hub.createUser({ orgId: org.id, role: 'analyst' }));
      }
      // Fixed, overlapping memberships; org 5 belongs to no group at all.
      const layout = [
        [0, 1, 2],
        [2, 3],
        [0, 4],
      ];
      for (let g = 0; g < groupCount; g++) {
        const [owner, ...rest] = layout[g]!;
        const res = await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: `Matrix group ${g}`, ownerOrgId: orgIds[owner!] } });
        groupIds.push(res.json().id);
        for (const m of rest) await hub.as(operator, { method: 'PUT', url: `/api/groups/${res.json().id}/members/${orgIds[m]}` });
        members.push(new Set(layout[g]));
      }
    });
    afterAll(async () => hub?.close());

    /** The design's sharing table, restated independently of src/sharing. */
    const oracle = {
      valid(a: Attempt): boolean {
        if (a.tlp === 'red' && a.audience !== 'orgs') return false;
        if (a.audience === 'public' && a.tlp !== 'clear') return false;
        if (a.audience === 'orgs' && a.orgs.filter((o) => o !== a.producer).length === 0) return false;
        if (a.audience === 'groups' && (a.groups.length === 0 || a.groups.some((g) => !members[g]!.has(a.producer)))) return false;
        return true;
      },
      recipient(org: number, w: Attempt): boolean {
        if (org === w.producer) return true;
        if (w.audience === 'members' || w.audience === 'public') return true;
        if (w.audience === 'orgs') return w.orgs.includes(org);
        return w.groups.some((g) => members[g]!.has(org));
      },
      visible(org: number, w: Attempt): boolean {
        return w.tlp === 'clear' || oracle.recipient(org, w);
      },
    };

    it('every read path agrees with the sharing table, for random warnings', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(attempt, { minLength: 1, maxLength: 4 }), async (attempts) => {
          for (const a of attempts) {
            const title = `Matrix ${sent.length} ${Math.random().toString(36).slice(2, 8)}`;
            const res = await hub.as(users[a.producer]!, {
              method: 'POST',
              url: '/api/warnings',
              payload: {
                title,
                kind: 'other',
                severity: 'medium',
                details: `details of ${title}`,
                tlp: a.tlp,
                audience: { kind: a.audience, orgIds: a.orgs.map((o) => orgIds[o]), groupIds: a.groups.map((g) => groupIds[g]) },
                anonymous: a.anonymous,
              },
            });
            expect(res.statusCode < 300, `${JSON.stringify(a)} → ${res.statusCode} ${res.body}`).toBe(oracle.valid(a));
            if (res.statusCode < 300) sent.push({ ...a, id: res.json().id, title });
          }

          for (let org = 0; org < orgCount; org++) {
            const user = users[org]!;
            const expected = sent.filter((w) => oracle.visible(org, w));
            // The list and its count.
            const list = await hub.as(user, { method: 'GET', url: '/api/warnings?limit=200' });
            const listed = list.json() as { items: Array<{ id: string }>; total: number };
            expect(new Set(listed.items.map((w) => w.id))).toEqual(new Set(expected.map((w) => w.id)));
            expect(listed.total).toBe(expected.length);
            for (const w of sent) {
              const visible = oracle.visible(org, w);
              if (!visible) expect(list.body).not.toContain(w.title);
              // The detail and the STIX view: 404 exactly when hidden.
              const detail = await hub.as(user, { method: 'GET', url: `/api/warnings/${w.id}` });
              expect(detail.statusCode, `${orgNames[org]} reading ${JSON.stringify(w)}`).toBe(visible ? 200 : 404);
              if (!visible) expect(detail.body).not.toContain(w.title);
              const stix = await hub.as(user, { method: 'GET', url: `/api/warnings/${w.id}/stix` });
              expect(stix.statusCode).toBe(visible ? 200 : 404);
              // Anonymous senders stay anonymous to everyone else.
              if (visible && w.anonymous && org !== w.producer) {
                expect(detail.body).not.toContain(orgIds[w.producer]!);
                expect(detail.body).not.toContain(orgNames[w.producer]!);
                expect(stix.body).not.toContain(orgNames[w.producer]!);
              }
            }
          }

          // The SQL filter and the in-memory rule (streams, webhooks, mail) give the same answers.
          // (Nothing to compare while every attempt so far was refused.)
          if (sent.length === 0) return;
          const db = hub.app.ctx.db;
          const shareIds = await db.selectFrom('warnings').select(['id', 'share_id']).where('id', 'in', sent.map((w) => w.id)).execute();
          const rules = await loadShareRules(db, shareIds.map((s) => s.share_id));
          for (let org = 0; org < orgCount; org++) {
            const reader = await readerForOrg(db, orgIds[org]!);
            const viaSql = new Set(
              (
                await db
                  .selectFrom('warnings')
                  .innerJoin('shares', 'shares.id', 'warnings.share_id')
                  .select('warnings.id')
                  .where(visibleTo(reader, 'shares'))
                  .execute()
              ).map((r) => r.id),
            );
            for (const { id, share_id } of shareIds) {
              const w = sent.find((s) => s.id === id)!;
              const rule = rules.get(share_id)!;
              expect(canRead(reader, rule)).toBe(oracle.visible(org, w));
              expect(viaSql.has(id)).toBe(oracle.visible(org, w));
              expect(isRecipient(reader, rule)).toBe(oracle.recipient(org, w));
            }
            // The same organisation's token speaking for a peer hub: only what may leave to that
            // hub (CLEAR; GREEN shared with all members when it is of the same community).
            for (const sameCommunity of [false, true]) {
              const peerReader = { ...reader, peer: { id: 'peer-matrix', sameCommunity } };
              const peerSql = new Set(
                (
                  await db
                    .selectFrom('warnings')
                    .innerJoin('shares', 'shares.id', 'warnings.share_id')
                    .select('warnings.id')
                    .where(visibleTo(peerReader, 'shares'))
                    .execute()
                ).map((r) => r.id),
              );
              for (const { id, share_id } of shareIds) {
                const w = sent.find((s) => s.id === id)!;
                const mayLeave = w.tlp === 'clear' || (sameCommunity && w.tlp === 'green' && (w.audience === 'members' || w.audience === 'public'));
                const expected = oracle.visible(org, w) && mayLeave;
                expect(canRead(peerReader, rules.get(share_id)!), `peer (${sameCommunity ? 'same' : 'other'} community) of ${orgNames[org]} reading ${JSON.stringify(w)}`).toBe(expected);
                expect(peerSql.has(id)).toBe(expected);
                // Pushed (streams) only what may leave too.
                expect(isRecipient(peerReader, rules.get(share_id)!)).toBe(oracle.recipient(org, w) && mayLeave);
              }
            }
          }

          // The durable outbox: a mail is queued for a user exactly when their organisation is in the audience.
          const events = await db.selectFrom('events').select(['id', 'subject_id']).where('subject_id', 'in', sent.map((w) => w.id)).execute();
          const queued = await db.selectFrom('mail_outbox').select(['user_id', 'event_id']).where('event_id', 'in', events.map((e) => e.id)).execute();
          for (const e of events) {
            const w = sent.find((s) => s.id === e.subject_id)!;
            for (let org = 0; org < orgCount; org++) {
              const mailed = queued.some((q) => Number(q.event_id) === Number(e.id) && q.user_id === users[org]!.id);
              expect(mailed, `mail for ${orgNames[org]} about ${JSON.stringify(w)}`).toBe(org !== w.producer && oracle.recipient(org, w));
            }
          }
        }),
        { numRuns: dialect === 'sqlite' ? 12 : 6, endOnFailure: true },
      );
    });
  });
}
