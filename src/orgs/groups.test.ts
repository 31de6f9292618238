import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import type { Organisation } from './organisations.service.js';
import { listGroupIdsForOrg, listGroupMemberOrgIds, type Group } from './groups.service.js';

const missingId = '00000000-0000-4000-8000-000000000000';

for (const dialect of dialects) {
  describe(`sharing groups [${dialect}]`, () => {
    let hub: TestHub;
    let operator: SignedInUser;
    // Organisations and people are fixtures nobody changes; every test makes its own groups.
    let orgA: Organisation;
    let orgB: Organisation;
    let orgC: Organisation;
    let observerOrg: Organisation;
    let adminA: SignedInUser;
    let analystA: SignedInUser;
    let memberA: SignedInUser;
    let adminB: SignedInUser;
    let adminC: SignedInUser;
    let adminObserver: SignedInUser;

    beforeAll(async () => {
      hub = await createTestHub(dialect);
      [orgA, orgB, orgC, observerOrg] = await Promise.all([hub.createOrg(), hub.createOrg(), hub.createOrg(), hub.createOrg({ kind: 'federal', observer: true })]);
      operator = await hub.createUser({ orgId: null, isOperator: true });
      adminA = await hub.createUser({ orgId: orgA.id, role: 'admin' });
      analystA = await hub.createUser({ orgId: orgA.id, role: 'analyst' });
      memberA = await hub.createUser({ orgId: orgA.id, role: 'member' });
      adminB = await hub.createUser({ orgId: orgB.id, role: 'admin' });
      adminC = await hub.createUser({ orgId: orgC.id, role: 'admin' });
      adminObserver = await hub.createUser({ orgId: observerOrg.id, role: 'admin' });
    });
    afterAll(async () => hub?.close());

    async function createAs(user: SignedInUser, payload: Record<string, unknown>): Promise<Group> {
      const res = await hub.as(user, { method: 'POST', url: '/api/groups', payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<Group>();
    }

    /** A group owned by A with C as a second member. */
    async function groupOfAWithC(): Promise<Group> {
      const group = await createAs(adminA, { name: unique('Region') });
      const res = await hub.as(adminA, { method: 'PUT', url: `/api/groups/${group.id}/members/${orgC.id}` });
      expect(res.statusCode, res.body).toBe(204);
      return group;
    }

    async function memberIds(groupId: string): Promise<string[]> {
      const rows = await hub.app.ctx.db.selectFrom('sharing_group_members').select('org_id').where('group_id', '=', groupId).execute();
      return rows.map((r) => r.org_id).sort();
    }

    async function auditActions(groupId: string): Promise<string[]> {
      const rows = await hub.app.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', groupId).orderBy('id').execute();
      return rows.map((r) => r.action);
    }

    const sorted = (...ids: string[]) => [...ids].sort();

    it('lets an org admin create a group owned by their organisation, which is its first member', async () => {
      const name = unique('Massachusetts   Region 3');
      const res = await hub.as(adminA, { method: 'POST', url: '/api/groups', payload: { name: `  ${name} `, description: '  Cities of the region  ' } });
      expect(res.statusCode, res.body).toBe(201);
      const group = res.json<Group>();
      expect(group).toMatchObject({
        name: name.replace(/\s+/g, ' '),
        description: 'Cities of the region',
        ownerOrgId: orgA.id,
        ownerOrgName: orgA.name,
        members: [{ orgId: orgA.id, name: orgA.name }],
      });
      expect(Object.keys(group).sort()).toEqual(['createdAt', 'description', 'id', 'members', 'name', 'ownerOrgId', 'ownerOrgName', 'updatedAt']);

      const own = await hub.as(adminA, { method: 'POST', url: '/api/groups', payload: { name: unique('Explicit'), ownerOrgId: orgA.id } });
      expect(own.statusCode, own.body).toBe(201);

      const got = await hub.as(memberA, { method: 'GET', url: `/api/groups/${group.id}` });
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(group);
      const listed = await hub.as(analystA, { method: 'GET', url: '/api/groups' });
      expect(listed.json().items.map((g: Group) => g.id)).toContain(group.id);
    });

    it('lets the operator create a group for any organisation, and requires an owner from an operator without one', async () => {
      const group = await createAs(operator, { name: unique('NDA signatories'), ownerOrgId: orgB.id });
      expect(group.ownerOrgId).toBe(orgB.id);
      expect(group.members).toEqual([{ orgId: orgB.id, name: orgB.name }]);
      expect(await auditActions(group.id)).toEqual(['group.create']);

      const noOwner = await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: unique('Ownerless') } });
      expect(noOwner.statusCode).toBe(400);
      expect(noOwner.json().code).toBe('VALIDATION_FAILED');

      const unknownOwner = await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: unique('Ghost'), ownerOrgId: missingId } });
      expect(unknownOwner.statusCode).toBe(404);
      expect(unknownOwner.json().code).toBe('NOT_FOUND');

      const all = await hub.as(operator, { method: 'GET', url: '/api/groups' });
      expect(all.json().items.map((g: Group) => g.id)).toContain(group.id);
    });

    it('refuses a second group with the same name, whatever the case and spacing', async () => {
      const name = unique('NDA Signatories');
      const first = await createAs(adminA, { name });
      const dup = await hub.as(adminB, { method: 'POST', url: '/api/groups', payload: { name: `  ${name.toUpperCase().replace(' ', '   ')}` } });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe('GROUP_NAME_TAKEN');

      const other = await createAs(adminA, { name: unique('Other') });
      const rename = await hub.as(adminA, { method: 'PATCH', url: `/api/groups/${other.id}`, payload: { name: name.toLowerCase() } });
      expect(rename.statusCode).toBe(409);
      expect(rename.json().code).toBe('GROUP_NAME_TAKEN');

      // Changing only the case of a group's own name is not a clash.
      const recase = await hub.as(adminA, { method: 'PATCH', url: `/api/groups/${first.id}`, payload: { name: name.toUpperCase() } });
      expect(recase.statusCode, recase.body).toBe(200);
      expect(recase.json().name).toBe(name.toUpperCase());

      const rows = await hub.app.ctx.db.selectFrom('sharing_groups').select('id').where('name_key', '=', name.toLowerCase()).execute();
      expect(rows.map((r) => r.id)).toEqual([first.id]);
      expect(await auditActions(other.id)).toEqual(['group.create']);
    });

    it('lets neither analysts nor members create or change groups', async () => {
      const group = await groupOfAWithC();
      for (const user of [analystA, memberA]) {
        const create = await hub.as(user, { method: 'POST', url: '/api/groups', payload: { name: unique('Mine') } });
        expect(create.statusCode).toBe(403);
        expect(create.json().code).toBe('FORBIDDEN');
        const requests = [
          { method: 'PATCH' as const, url: `/api/groups/${group.id}`, payload: { name: unique('Renamed') } },
          { method: 'DELETE' as const, url: `/api/groups/${group.id}` },
          { method: 'PUT' as const, url: `/api/groups/${group.id}/members/${orgB.id}` },
          { method: 'DELETE' as const, url: `/api/groups/${group.id}/members/${orgC.id}` },
          // Leaving is for admins: an analyst cannot take their organisation out.
          { method: 'DELETE' as const, url: `/api/groups/${group.id}/members/${orgA.id}` },
        ];
        for (const r of requests) {
          const res = await hub.as(user, r);
          expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
          expect(res.json().code).toBe('FORBIDDEN');
        }
      }
      const after = await hub.as(adminA, { method: 'GET', url: `/api/groups/${group.id}` });
      expect(after.json()).toMatchObject({ name: group.name, description: null });
      expect(await memberIds(group.id)).toEqual(sorted(orgA.id, orgC.id));
      expect(await auditActions(group.id)).toEqual(['group.create', 'group.member_add']);
    });

    it("refuses an admin a group owned by another organisation, and observers any group", async () => {
      const foreign = await hub.as(adminA, { method: 'POST', url: '/api/groups', payload: { name: unique('Foreign'), ownerOrgId: orgB.id } });
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json().code).toBe('FORBIDDEN');

      const byObserver = await hub.as(adminObserver, { method: 'POST', url: '/api/groups', payload: { name: unique('Observers') } });
      expect(byObserver.statusCode).toBe(403);
      expect(byObserver.json().code).toBe('OBSERVER_READ_ONLY');
      const forObserver = await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: unique('Observers'), ownerOrgId: observerOrg.id } });
      expect(forObserver.statusCode).toBe(403);
      expect(forObserver.json().code).toBe('OBSERVER_READ_ONLY');

      // An observer may still be a member: it reads what the group receives.
      const group = await createAs(adminA, { name: unique('With observer') });
      const add = await hub.as(adminA, { method: 'PUT', url: `/api/groups/${group.id}/members/${observerOrg.id}` });
      expect(add.statusCode).toBe(204);
      const seen = await hub.as(adminObserver, { method: 'GET', url: `/api/groups/${group.id}` });
      expect(seen.statusCode).toBe(200);
    });

    it("hides A's group from B entirely: B gets 404 on every route, and the group is unchanged", async () => {
      const group = await groupOfAWithC();
      const before = (await hub.as(adminA, { method: 'GET', url: `/api/groups/${group.id}` })).json<Group>();
      const requests = [
        { method: 'GET' as const, url: `/api/groups/${group.id}` },
        { method: 'PATCH' as const, url: `/api/groups/${group.id}`, payload: { description: 'hijacked' } },
        { method: 'DELETE' as const, url: `/api/groups/${group.id}` },
        { method: 'PUT' as const, url: `/api/groups/${group.id}/members/${orgB.id}` },
        { method: 'DELETE' as const, url: `/api/groups/${group.id}/members/${orgC.id}` },
        { method: 'DELETE' as const, url: `/api/groups/${group.id}/members/${orgB.id}` },
      ];
      for (const r of requests) {
        const res = await hub.as(adminB, r);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
        expect(res.json()).toMatchObject({ code: 'NOT_FOUND', message: 'No such sharing group.' });
      }
      // The same answer as for a group that does not exist at all.
      const none = await hub.as(adminB, { method: 'GET', url: `/api/groups/${missingId}` });
      expect(none.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', message: 'No such sharing group.' });

      const list = await hub.as(adminB, { method: 'GET', url: '/api/groups' });
      expect(list.json().items.map((g: Group) => g.id)).not.toContain(group.id);
      expect((await hub.as(adminA, { method: 'GET', url: `/api/groups/${group.id}` })).json()).toEqual(before);
      expect(await auditActions(group.id)).toEqual(['group.create', 'group.member_add']);
    });

    it("lets a member's admin see the group but not manage it", async () => {
      const group = await groupOfAWithC();
      const seen = await hub.as(adminC, { method: 'GET', url: `/api/groups/${group.id}` });
      expect(seen.statusCode).toBe(200);
      expect(seen.json().members.map((m: { orgId: string }) => m.orgId).sort()).toEqual(sorted(orgA.id, orgC.id));
      const requests = [
        { method: 'PATCH' as const, url: `/api/groups/${group.id}`, payload: { description: 'ours now' } },
        { method: 'DELETE' as const, url: `/api/groups/${group.id}` },
        { method: 'PUT' as const, url: `/api/groups/${group.id}/members/${orgB.id}` },
        // Not a leave, and not the owner's call: forbidden before the owner rule is even considered.
        { method: 'DELETE' as const, url: `/api/groups/${group.id}/members/${orgA.id}` },
      ];
      for (const r of requests) {
        const res = await hub.as(adminC, r);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
      expect(await memberIds(group.id)).toEqual(sorted(orgA.id, orgC.id));
    });

    it('lets an org admin take their own organisation out of a group (leave)', async () => {
      const group = await groupOfAWithC();
      expect(await listGroupIdsForOrg(hub.app.ctx.db, orgC.id)).toContain(group.id);
      const leave = await hub.as(adminC, { method: 'DELETE', url: `/api/groups/${group.id}/members/${orgC.id}` });
      expect(leave.statusCode, leave.body).toBe(204);
      expect(await memberIds(group.id)).toEqual([orgA.id]);
      expect(await listGroupIdsForOrg(hub.app.ctx.db, orgC.id)).not.toContain(group.id);

      // Once out, the group is gone for C: leaving again is a 404, not a silent success.
      const again = await hub.as(adminC, { method: 'DELETE', url: `/api/groups/${group.id}/members/${orgC.id}` });
      expect(again.statusCode).toBe(404);
      expect((await hub.as(adminC, { method: 'GET', url: `/api/groups/${group.id}` })).statusCode).toBe(404);

      const entry = await hub.app.ctx.db.selectFrom('audit_log').selectAll().where('target_id', '=', group.id).where('action', '=', 'group.member_remove').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ org_id: orgA.id, actor_user_id: adminC.id });
      expect(JSON.parse(entry.details!)).toMatchObject({ memberOrgId: orgC.id, left: true });
    });

    it('never removes the owner organisation', async () => {
      const group = await groupOfAWithC();
      for (const user of [adminA, operator]) {
        const res = await hub.as(user, { method: 'DELETE', url: `/api/groups/${group.id}/members/${orgA.id}` });
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe('GROUP_OWNER_REQUIRED');
      }
      expect(await memberIds(group.id)).toEqual(sorted(orgA.id, orgC.id));
      expect(await auditActions(group.id)).toEqual(['group.create', 'group.member_add']);
    });

    it('adds and removes members exactly: adding twice and removing a non-member change nothing', async () => {
      const group = await createAs(adminA, { name: unique('Exact') });
      for (let i = 0; i < 2; i++) {
        const res = await hub.as(adminA, { method: 'PUT', url: `/api/groups/${group.id}/members/${orgB.id}` });
        expect(res.statusCode, res.body).toBe(204);
      }
      const got = (await hub.as(adminA, { method: 'GET', url: `/api/groups/${group.id}` })).json<Group>();
      expect(got.members.map((m) => m.orgId).sort()).toEqual(sorted(orgA.id, orgB.id));
      expect(await listGroupMemberOrgIds(hub.app.ctx.db, group.id)).toEqual(sorted(orgA.id, orgB.id));

      const notMember = await hub.as(operator, { method: 'DELETE', url: `/api/groups/${group.id}/members/${orgC.id}` });
      expect(notMember.statusCode).toBe(204);
      const removed = await hub.as(operator, { method: 'DELETE', url: `/api/groups/${group.id}/members/${orgB.id}` });
      expect(removed.statusCode).toBe(204);
      expect(await listGroupMemberOrgIds(hub.app.ctx.db, group.id)).toEqual([orgA.id]);
      expect(await auditActions(group.id)).toEqual(['group.create', 'group.member_add', 'group.member_remove']);
      // B now sees nothing of it.
      expect((await hub.as(adminB, { method: 'GET', url: `/api/groups/${group.id}` })).statusCode).toBe(404);
    });

    it('refuses bad input with a stable code and writes nothing', async () => {
      const group = await createAs(adminA, { name: unique('Strict') });
      const name = unique('Never');
      const cases = [
        { method: 'PUT' as const, url: `/api/groups/${group.id}/members/${missingId}`, status: 404, code: 'NOT_FOUND' },
        { method: 'PUT' as const, url: `/api/groups/${missingId}/members/${orgB.id}`, status: 404, code: 'NOT_FOUND' },
        { method: 'PUT' as const, url: `/api/groups/${group.id}/members/not-a-uuid`, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'PUT' as const, url: `/api/groups/not-a-uuid/members/${orgB.id}`, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'GET' as const, url: '/api/groups/123', status: 400, code: 'VALIDATION_FAILED' },
        { method: 'DELETE' as const, url: `/api/groups/${group.id}/members/${missingId}`, status: 404, code: 'NOT_FOUND' },
        { method: 'POST' as const, url: '/api/groups', payload: { name: '   ' }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'POST' as const, url: '/api/groups', payload: { name: '' }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'POST' as const, url: '/api/groups', payload: {}, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'POST' as const, url: '/api/groups', payload: { name, extra: 1 }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'POST' as const, url: '/api/groups', payload: { name, ownerOrgId: 'Springfield' }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'POST' as const, url: '/api/groups', payload: { name: `${name}\u0000` }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'POST' as const, url: '/api/groups', payload: { name: 'x'.repeat(201) }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'POST' as const, url: '/api/groups', payload: { name, description: 'd'.repeat(2001) }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'POST' as const, url: '/api/groups', payload: { name, members: [orgB.id] }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'PATCH' as const, url: `/api/groups/${group.id}`, payload: {}, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'PATCH' as const, url: `/api/groups/${group.id}`, payload: { name: ' \t ' }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'PATCH' as const, url: `/api/groups/${group.id}`, payload: { ownerOrgId: orgB.id }, status: 400, code: 'VALIDATION_FAILED' },
        { method: 'PATCH' as const, url: `/api/groups/${group.id}`, payload: { name, extra: true }, status: 400, code: 'VALIDATION_FAILED' },
      ];
      for (const c of cases) {
        const res = await hub.as(adminA, { method: c.method, url: c.url, ...('payload' in c ? { payload: c.payload } : {}) });
        expect(res.statusCode, `${c.method} ${c.url} ${JSON.stringify('payload' in c ? c.payload : '')}: ${res.body}`).toBe(c.status);
        expect(res.json().code).toBe(c.code);
      }
      const malformed = await hub.as(adminA, { method: 'POST', url: '/api/groups', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().code).toBe('MALFORMED_JSON');

      const after = (await hub.as(adminA, { method: 'GET', url: `/api/groups/${group.id}` })).json<Group>();
      expect(after).toMatchObject({ name: group.name, description: null, updatedAt: group.updatedAt });
      expect(await memberIds(group.id)).toEqual([orgA.id]);
      expect(await auditActions(group.id)).toEqual(['group.create']);
      const stray = await hub.app.ctx.db.selectFrom('sharing_groups').select('id').where('name_key', 'like', `${name.toLowerCase()}%`).execute();
      expect(stray).toEqual([]);
    });

    it('requires the admin scope of an API token to change groups', async () => {
      const group = await createAs(adminA, { name: unique('Scoped') });
      const created = await hub.as(adminA, { method: 'POST', url: '/api/tokens', payload: { name: 'read only', scopes: ['read'] } });
      expect(created.statusCode, created.body).toBe(201);
      const secret = created.json().secret as string;
      const read = await hub.withToken(secret, { method: 'GET', url: `/api/groups/${group.id}` });
      expect(read.statusCode).toBe(200);
      for (const r of [
        { method: 'POST' as const, url: '/api/groups', payload: { name: unique('Token') } },
        { method: 'PUT' as const, url: `/api/groups/${group.id}/members/${orgB.id}` },
        { method: 'DELETE' as const, url: `/api/groups/${group.id}` },
      ]) {
        const res = await hub.withToken(secret, r);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
        expect(res.json().code).toBe('SCOPE_INSUFFICIENT');
      }
      expect(await memberIds(group.id)).toEqual([orgA.id]);
    });

    it('updates and deletes groups, writing an audit entry for every change in the owner trail', async () => {
      const group = await createAs(adminA, { name: unique('Lifecycle'), description: 'first' });
      const newName = unique('Lifecycle renamed');
      const patched = await hub.as(adminA, { method: 'PATCH', url: `/api/groups/${group.id}`, payload: { name: newName, description: null } });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({ id: group.id, name: newName, description: null });

      // A patch that changes nothing is not a change: no audit entry.
      const same = await hub.as(adminA, { method: 'PATCH', url: `/api/groups/${group.id}`, payload: { name: newName } });
      expect(same.statusCode).toBe(200);

      expect((await hub.as(operator, { method: 'PUT', url: `/api/groups/${group.id}/members/${orgB.id}` })).statusCode).toBe(204);
      expect((await hub.as(adminA, { method: 'DELETE', url: `/api/groups/${group.id}/members/${orgB.id}` })).statusCode).toBe(204);
      const deleted = await hub.as(adminA, { method: 'DELETE', url: `/api/groups/${group.id}` });
      expect(deleted.statusCode, deleted.body).toBe(204);

      expect((await hub.as(adminA, { method: 'GET', url: `/api/groups/${group.id}` })).statusCode).toBe(404);
      expect((await hub.as(operator, { method: 'DELETE', url: `/api/groups/${group.id}` })).statusCode).toBe(404);
      expect(await memberIds(group.id)).toEqual([]);
      expect(await listGroupMemberOrgIds(hub.app.ctx.db, group.id)).toEqual([]);
      expect(await listGroupIdsForOrg(hub.app.ctx.db, orgA.id)).not.toContain(group.id);

      const trail = await hub.as(adminA, { method: 'GET', url: '/api/audit?action=group&limit=500' });
      expect(trail.statusCode, trail.body).toBe(200);
      const entries = (trail.json().items as Array<{ action: string; targetId: string; orgId: string; actorUserId: string | null; details: Record<string, unknown> }>)
        .filter((e) => e.targetId === group.id)
        .reverse();
      expect(entries.map((e) => e.action)).toEqual(['group.create', 'group.update', 'group.member_add', 'group.member_remove', 'group.delete']);
      expect(entries.every((e) => e.orgId === orgA.id)).toBe(true);
      expect(entries[1]!.details).toMatchObject({ fields: ['name', 'description'], name: newName, previousName: group.name });
      expect(entries[2]!.actorUserId).toBe(operator.id);
      expect(entries[4]!.details).toMatchObject({ name: newName, memberOrgIds: [orgA.id] });
      // B's admin reads only B's trail: none of A's group entries.
      const trailB = await hub.as(adminB, { method: 'GET', url: '/api/audit?action=group&limit=500' });
      expect(trailB.json().items.filter((e: { targetId: string }) => e.targetId === group.id)).toEqual([]);
    });

    it('stores markup in a name as plain text and returns it verbatim as JSON', async () => {
      const name = `<script>alert("${unique('x')}")</script> & <b>co</b>`;
      const res = await hub.as(adminA, { method: 'POST', url: '/api/groups', payload: { name, description: '<img src=x onerror=alert(1)>' } });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const group = res.json<Group>();
      expect(group.name).toBe(name);
      const row = await hub.app.ctx.db.selectFrom('sharing_groups').select(['name', 'description']).where('id', '=', group.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ name, description: '<img src=x onerror=alert(1)>' });
      const got = await hub.as(adminA, { method: 'GET', url: `/api/groups/${group.id}` });
      expect(got.headers['content-type']).toMatch(/^application\/json/);
      expect(got.json().name).toBe(name);
    });

    it("drops a removed organisation's memberships and keeps the owner's groups in the way of its removal", async () => {
      const orgD = await hub.createOrg();
      const group = await groupOfAWithC();
      expect((await hub.as(adminA, { method: 'PUT', url: `/api/groups/${group.id}/members/${orgD.id}` })).statusCode).toBe(204);
      const removed = await hub.as(operator, { method: 'DELETE', url: `/api/orgs/${orgD.id}` });
      expect(removed.statusCode, removed.body).toBe(204);
      expect(await listGroupMemberOrgIds(hub.app.ctx.db, group.id)).toEqual(sorted(orgA.id, orgC.id));

      const orgE = await hub.createOrg();
      const owned = await createAs(operator, { name: unique('Owned by E'), ownerOrgId: orgE.id });
      const refused = await hub.as(operator, { method: 'DELETE', url: `/api/orgs/${orgE.id}` });
      expect(refused.statusCode, refused.body).toBeGreaterThanOrEqual(400);
      expect(refused.statusCode).toBeLessThan(500);
      expect((await hub.as(operator, { method: 'DELETE', url: `/api/groups/${owned.id}` })).statusCode).toBe(204);
      expect((await hub.as(operator, { method: 'DELETE', url: `/api/orgs/${orgE.id}` })).statusCode).toBe(204);
    });

    it('lists exactly the groups an organisation owns or belongs to', async () => {
      const ownedByB = await createAs(adminB, { name: unique('B owns') });
      const withB = await createAs(adminA, { name: unique('A with B') });
      const withoutB = await createAs(adminA, { name: unique('A without B') });
      expect((await hub.as(adminA, { method: 'PUT', url: `/api/groups/${withB.id}/members/${orgB.id}` })).statusCode).toBe(204);
      const ids = (await hub.as(adminB, { method: 'GET', url: '/api/groups' })).json().items.map((g: Group) => g.id);
      expect(ids).toEqual(expect.arrayContaining([ownedByB.id, withB.id]));
      expect(ids).not.toContain(withoutB.id);
      const forB = await listGroupIdsForOrg(hub.app.ctx.db, orgB.id);
      expect(forB).toEqual(expect.arrayContaining([ownedByB.id, withB.id]));
      expect(forB).not.toContain(withoutB.id);
      // Every group B lists through the API is one the sharing policy would count B in.
      expect([...ids].sort()).toEqual([...forB].sort());
    });
  });
}
