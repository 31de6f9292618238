import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import type { Group } from '../orgs/groups.service.js';
import { runCli } from './main.js';
import { captureIO } from '../test/cli-io.js';


for (const dialect of dialects) {
  describe(`tocsin group [${dialect}]`, () => {
    let testStore: TestStore;
    let env: Record<string, string>;

    beforeAll(async () => {
      testStore = await createTestStore(dialect);
      env = { TOCSIN_DATA_DIR: testStore.dataDir, TOCSIN_LOG_LEVEL: 'silent', ...(testStore.databaseUrl ? { TOCSIN_DATABASE_URL: testStore.databaseUrl } : {}) };
    });
    afterAll(async () => testStore?.cleanup());

    async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      const io = captureIO();
      const code = await runCli(args, io, env);
      return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
    }

    async function cliJson<T>(...args: string[]): Promise<T> {
      const r = await cli(...args, '--json');
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as T;
    }

    it('creates a group, adds an organisation by name, lists it as JSON and refuses to remove the owner', async () => {
      const county = await cliJson<{ id: string }>('org', 'create', '--name', 'Capital County', '--kind', 'county');
      const town = await cliJson<{ id: string }>('org', 'create', '--name', 'Springfield', '--kind', 'city');

      const created = await cliJson<Group>('group', 'create', '--name', 'Region 3 cities', '--description', 'Cities of Region 3', '--owner', 'capital county');
      expect(created).toMatchObject({ name: 'Region 3 cities', ownerOrgId: county.id, members: [{ orgId: county.id, name: 'Capital County' }] });

      const added = await cliJson<Group>('group', 'add', 'region 3 cities', 'Springfield');
      expect(added.members.map((m) => m.orgId).sort()).toEqual([county.id, town.id].sort());
      // Adding again changes nothing.
      await cliJson('group', 'add', created.id, town.id);

      const list = await cliJson<Group[]>('group', 'list');
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ id: created.id, name: 'Region 3 cities', description: 'Cities of Region 3', ownerOrgName: 'Capital County' });
      expect(list[0]!.members.map((m) => m.name)).toEqual(['Capital County', 'Springfield']);

      const text = await cli('group', 'show', 'Region 3 cities');
      expect(text.code, text.err).toBe(0);
      expect(text.out).toContain('Springfield');

      const owner = await cli('group', 'remove', 'Region 3 cities', 'Capital County');
      expect(owner.code).toBe(1);
      expect(owner.err).toContain('GROUP_OWNER_REQUIRED');

      const removed = await cliJson<Group>('group', 'remove', 'Region 3 cities', 'Springfield');
      expect(removed.members.map((m) => m.orgId)).toEqual([county.id]);

      const unknown = await cli('group', 'show', 'No such group');
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain('NOT_FOUND');

      const dup = await cli('group', 'create', '--name', 'REGION 3 CITIES', '--owner', town.id);
      expect(dup.code).toBe(1);
      expect(dup.err).toContain('GROUP_NAME_TAKEN');

      expect(await cliJson('group', 'delete', 'Region 3 cities')).toEqual({ deleted: created.id });
      expect(await cliJson('group', 'list')).toEqual([]);
      const audit = await cliJson<{ items: Array<{ action: string; actorKind: string }> }>('audit', '--action', 'group');
      expect(audit.items.map((e) => e.action)).toEqual(['group.delete', 'group.member_remove', 'group.member_add', 'group.create']);
      expect(audit.items.every((e) => e.actorKind === 'cli')).toBe(true);
    });
  });
}
