// `tocsin stix import|export` on both dialects: generated bundles with valid and invalid
// objects, the sharing rules, broken files (committed batches stay), and a round trip into a
// fresh hub that gives back the same objects.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import { writeBundle } from '../test/stix-bundles.js';

type Cli = (...args: string[]) => Promise<{ code: number; out: string; err: string }>;

function cliFor(store: TestStore): Cli {
  const env = { TOCSIN_DATA_DIR: store.dataDir, TOCSIN_LOG_LEVEL: 'silent', ...(store.databaseUrl ? { TOCSIN_DATABASE_URL: store.databaseUrl } : {}) };
  return async (...args) => {
    const out: string[] = [];
    const err: string[] = [];
    // As processIO writes: a newline after each text that lacks one.
    const code = await runCli(args, { out: (t) => void out.push(t.endsWith('\n') ? t : `${t}\n`), err: (t) => void err.push(t) }, env);
    return { code, out: out.join(''), err: err.join('\n') };
  };
}

/** The objects of an exported bundle (stdout), after checking it is one. */
function bundleObjects(text: string): Array<Record<string, unknown>> {
  const bundle = JSON.parse(text) as { type: string; id: string; objects: Array<Record<string, unknown>> };
  expect(bundle.type).toBe('bundle');
  expect(bundle.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
  return bundle.objects;
}

for (const dialect of dialects) {
  describe(`tocsin stix [${dialect}]`, () => {
    let store: TestStore;
    let cli: Cli;
    let groupId: string;

    beforeAll(async () => {
      store = await createTestStore(dialect);
      cli = cliFor(store);
      for (const town of ['Northtown', 'Southtown', 'Westtown']) {
        expect((await cli('org', 'create', '--name', town, '--kind', 'city')).code).toBe(0);
        expect((await cli('user', 'create', '--email', `analyst@${town.toLowerCase()}.example`, '--org', town, '--role', 'analyst')).code).toBe(0);
      }
      expect((await cli('org', 'create', '--name', 'Federal', '--kind', 'federal', '--observer')).code).toBe(0);
      expect((await cli('user', 'create', '--email', 'admin@federal.example', '--org', 'Federal', '--role', 'admin')).code).toBe(0);
      const group = await cli('group', 'create', '--name', 'North-South', '--owner', 'Northtown', '--json');
      groupId = JSON.parse(group.out).id;
      expect((await cli('group', 'add', 'North-South', 'Southtown')).code).toBe(0);
    });
    afterAll(async () => store?.cleanup());

    it('imports valid objects and lists each invalid one with its reason; --json gives the totals', async () => {
      const b = await writeBundle({ count: 40, invalidEvery: 5 }, store.dataDir);
      const res = await cli('stix', 'import', b.file, '--collection', 'members', '--batch-size', '7', '--json');
      expect(res.code, res.err).toBe(0);
      const summary = JSON.parse(res.out);
      expect(summary).toMatchObject({ complete: true, objects: 40, successes: 32, failures: 8, batches: 6, bytes: b.bytes, error: null, failuresTruncated: false, collection: 'All members' });
      const reasons = new Map<string, string>(summary.failureList.map((f: { id: string; message: string }) => [f.id, f.message]));
      for (const bad of b.invalid.filter((x) => x.id !== '(no id)' && x.id !== 'indicator--not-a-uuid')) expect(reasons.get(bad.id), bad.id).toMatch(bad.why);
      expect(summary.failureList.filter((f: { id: string }) => f.id === '(no id)')).toHaveLength(2);

      const exported = await cli('stix', 'export', '--collection', 'members', '--as', 'analyst@westtown.example');
      expect(exported.code, exported.err).toBe(0);
      const ids = new Set(bundleObjects(exported.out).map((o) => o.id));
      for (const id of b.valid) expect(ids.has(id), id).toBe(true);
      for (const bad of b.invalid) expect(ids.has(bad.id)).toBe(false);
      expect(exported.err).toMatch(/^Exported \d+ objects from "All members"\.$/);

      // the text summary for people
      const again = await cli('stix', 'import', b.file);
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/^Imported .* into "All members": 40 objects read, 32 imported, 8 failed \(1 batch\)\./);
      expect(again.out).toMatch(/Failures:\n {2}indicator--/);
    });

    it('imports into a group as a member with a default TLP: the group reads it, others do not', async () => {
      const b = await writeBundle({ count: 12 }, store.dataDir);
      const res = await cli('stix', 'import', b.file, '--collection', 'North-South', '--as', 'analyst@northtown.example', '--tlp', 'amber', '--json');
      expect(res.code, res.err).toBe(0);
      expect(JSON.parse(res.out)).toMatchObject({ successes: 12, failures: 0 });

      const south = await cli('stix', 'export', '--collection', groupId, '--as', 'analyst@southtown.example', '--type', 'indicator,malware');
      const got = bundleObjects(south.out);
      const ids = new Set(got.map((o) => o.id));
      expect(b.valid.filter((id) => ids.has(id))).toHaveLength(8);
      expect(new Set(got.map((o) => o.type))).toEqual(new Set(['indicator', 'malware']));

      const west = await cli('stix', 'export', '--collection', groupId, '--as', 'analyst@westtown.example');
      expect(west.code).toBe(1);
      expect(west.err).toMatch(/error NOT_FOUND: No such collection/);
      const members = bundleObjects((await cli('stix', 'export', '--collection', 'members', '--as', 'analyst@westtown.example')).out);
      expect(members.some((o) => b.valid.includes(o.id as string))).toBe(false);
    });

    it('refuses what the sharing rules refuse, before reading the file', async () => {
      const b = await writeBundle({ count: 2 }, store.dataDir);
      const red = await cli('stix', 'import', b.file, '--collection', 'members', '--tlp', 'red');
      expect(red.code).toBe(1);
      expect(red.err).toMatch(/^error TLP_WIDER_THAN_COLLECTION: TLP:RED is not allowed in the collection "All members"\./);
      const observer = await cli('stix', 'import', b.file, '--as', 'admin@federal.example');
      expect(observer.err).toMatch(/^error OBSERVER_READ_ONLY/);
      const notMine = await cli('stix', 'import', b.file, '--collection', 'North-South', '--as', 'analyst@westtown.example');
      expect(notMine.err).toMatch(/^error NOT_FOUND/);
      const noInbox = await cli('stix', 'import', b.file, '--collection', 'inbox');
      expect(noInbox.err).toMatch(/no inbox: use --as/);
      const badType = await cli('stix', 'export', '--type', 'Not A Type');
      expect(badType.err).toMatch(/^error VALIDATION_FAILED: .*type "Not A Type"/);
      const badSince = await cli('stix', 'export', '--since', 'yesterday');
      expect(badSince.err).toMatch(/since "yesterday" is not a timestamp/);
    });

    it('fails clearly on a missing file, a non-bundle and malformed JSON; committed batches stay', async () => {
      const missing = await cli('stix', 'import', path.join(store.dataDir, 'nope.json'));
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/^error STIX_FILE_UNREADABLE: Cannot read the file .*nope\.json: no such file\./);

      const single = path.join(store.dataDir, 'single.json');
      writeFileSync(single, JSON.stringify({ type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }));
      const notBundle = await cli('stix', 'import', single);
      expect(notBundle.code).toBe(1);
      expect(notBundle.err).toMatch(/error STIX_BUNDLE_INVALID: The file is not a usable STIX bundle: its "type" is "indicator", not "bundle"/);
      expect(notBundle.err).toMatch(/Stopped: Nothing was imported\./);
      expect(notBundle.out).toMatch(/^Did not import .*single\.json into "All members": 0 objects read/);

      // Good objects over more than one read (1 MB), then garbage: the batches read before it
      // commit, the objects read since the last commit do not.
      const broken = await writeBundle({ count: 25, padding: 50_000, closing: ',\n  {"type": "indicator", "id": oops}\n]}' }, store.dataDir);
      const res = await cli('stix', 'import', broken.file, '--batch-size', '10', '--json');
      expect(res.code).toBe(1);
      const summary = JSON.parse(res.out);
      expect(summary).toMatchObject({ complete: false, failures: 0, error: { code: 'STIX_BUNDLE_INVALID' } });
      expect(summary.batches).toBeGreaterThanOrEqual(1);
      const committed = summary.objects - summary.uncommitted;
      expect(committed).toBe(summary.batches * 10);
      expect(summary.successes).toBe(committed);
      expect(summary.error.message).toMatch(/malformed JSON between bytes \d+ and \d+/);
      expect(res.err).toMatch(new RegExp(`Stopped: The ${summary.batches} batches? committed before that stay \\(${committed} objects: ${committed} imported, 0 failed\\)`));
      const ids = new Set(bundleObjects((await cli('stix', 'export')).out).map((o) => o.id));
      expect(broken.valid.slice(0, committed).every((id) => ids.has(id))).toBe(true);
      expect(broken.valid.slice(committed).some((id) => ids.has(id))).toBe(false);
    });

    it('round-trips: export, import into a fresh hub, export again gives the same objects', async () => {
      const b = await writeBundle({ count: 30, tlp: 'green' }, store.dataDir);
      expect((await cli('stix', 'import', b.file, '--as', 'analyst@northtown.example')).code).toBe(0);
      const file = path.join(store.dataDir, 'export.json');
      const exported = await cli('stix', 'export', '--as', 'analyst@northtown.example', '--output', file, '--all-versions');
      expect(exported.code, exported.err).toBe(0);
      const first = bundleObjects(readFileSync(file, 'utf8'));
      expect(first.length).toBeGreaterThanOrEqual(30);
      const exists = await cli('stix', 'export', '--output', file);
      expect(exists.err).toMatch(/already exists/);

      const fresh = await createTestStore(dialect);
      try {
        const other = cliFor(fresh);
        const imported = await other('stix', 'import', file, '--json');
        expect(imported.code, imported.err).toBe(0);
        expect(JSON.parse(imported.out)).toMatchObject({ failures: 0, objects: first.length, successes: first.length });
        const second = bundleObjects((await other('stix', 'export', '--all-versions')).out);
        const key = (o: Record<string, unknown>) => `${o.id}|${o.modified ?? ''}`;
        const sorted = (list: Array<Record<string, unknown>>) => [...list].sort((x, y) => key(x).localeCompare(key(y)));
        expect(sorted(second)).toEqual(sorted(first));
      } finally {
        await fresh.cleanup();
      }
    });
  });
}
