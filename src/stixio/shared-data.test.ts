// Real bundles from the field (../shared/data/stix): MITRE ATT&CK Mobile (x-mitre-* custom
// objects and properties, revoked objects), an OpenCTI test bundle (with objects the STIX 2.1
// rules refuse), a MISP export (SCOs), and the official TLP 2.0 definitions — imported with
// `tocsin stix import`, each object's outcome checked, and what was accepted exported unchanged.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stixDir = path.join(path.resolve(repoRoot, '../shared/data'), 'stix');
const haveData = existsSync(path.join(stixDir, 'mitre-mobile-attack-17.1.json'));
if (!haveData) console.warn(`\n!! ${stixDir} is absent: SKIPPING the import of the real STIX bundles.\n`);

type Obj = Record<string, unknown> & { id: string; type: string };
const load = (name: string) => (JSON.parse(readFileSync(path.join(stixDir, name), 'utf8')) as { objects: Obj[] }).objects;

for (const dialect of dialects) {
  describe.skipIf(!haveData)(`importing the shared STIX bundles [${dialect}]`, () => {
    let store: TestStore;
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const env = { TOCSIN_DATA_DIR: store.dataDir, TOCSIN_LOG_LEVEL: 'silent', ...(store.databaseUrl ? { TOCSIN_DATABASE_URL: store.databaseUrl } : {}) };
      const code = await runCli(args, { out: (t) => void out.push(t), err: (t) => void err.push(t) }, env);
      return { code, out: out.join(''), err: err.join('\n') };
    };
    const importFile = async (name: string, collection: string) => {
      const res = await cli('stix', 'import', path.join(stixDir, name), '--collection', collection, '--json');
      expect(res.code, res.err).toBe(0);
      return JSON.parse(res.out) as { objects: number; successes: number; failures: number; complete: boolean; failureList: Array<{ id: string; message: string }> };
    };
    const exported = async (collection: string) => {
      const res = await cli('stix', 'export', '--collection', collection, '--all-versions');
      expect(res.code, res.err).toBe(0);
      return new Map((JSON.parse(res.out) as { objects: Obj[] }).objects.map((o) => [`${o.id}|${String(o.modified ?? '')}`, o]));
    };
    const key = (o: Obj) => `${o.id}|${String(o.modified ?? '')}`;

    beforeAll(async () => {
      store = await createTestStore(dialect);
    });
    afterAll(async () => store?.cleanup());

    it('accepts every object of MITRE ATT&CK Mobile and passes x-mitre objects and properties through untouched', async () => {
      const original = load('mitre-mobile-attack-17.1.json');
      const summary = await importFile('mitre-mobile-attack-17.1.json', 'public');
      expect(summary).toMatchObject({ complete: true, objects: original.length, successes: original.length, failures: 0 });
      const stored = await exported('public');
      for (const o of original) expect(stored.get(key(o)), o.id).toEqual(o);
      const custom = original.filter((o) => o.type.startsWith('x-mitre-'));
      expect(custom.length).toBeGreaterThan(30);
      expect(original.filter((o) => o.revoked === true).every((o) => stored.get(key(o))?.revoked === true)).toBe(true);
      expect(original.some((o) => Object.keys(o).some((k) => k.startsWith('x_mitre_')))).toBe(true);
    });

    it('sorts the OpenCTI test bundle into accepted objects, stored as sent, and failures that name the rule they break', async () => {
      const original = load('opencti-DATA-TEST-STIX2_v2.json');
      const summary = await importFile('opencti-DATA-TEST-STIX2_v2.json', 'members');
      expect(summary).toMatchObject({ complete: true, objects: 59 });
      expect(summary.successes + summary.failures).toBe(59);
      const why = new Map(summary.failureList.map((f) => [f.id, f.message]));
      expect(why.size).toBe(summary.failures);
      for (const [id, message] of why) expect(message.length, id).toBeGreaterThan(10);
      // Objects that break a MUST of STIX 2.1 are refused, each with the rule it breaks.
      const byType = (type: string) => original.filter((o) => o.type === type);
      for (const m of byType('malware')) expect(why.get(m.id), m.id).toMatch(/is_family is required/);
      for (const l of byType('location')) expect(why.get(l.id), l.id).toMatch(/needs a region, a country, or a latitude and longitude/);
      expect(why.get(byType('observed-data')[0]!.id)).toMatch(/created is required/);
      // The accepted ones are stored as sent (a relationship without spec_version gets "2.1");
      // TLP:WHITE (TLP 1.0) ones are CLEAR, so they are in the public collection.
      const accepted = original.filter((o) => !why.has(o.id));
      expect(accepted.length).toBe(summary.successes);
      expect(accepted.map((o) => o.type)).toEqual(expect.arrayContaining(['report', 'indicator', 'identity', 'sighting', 'relationship']));
      const members = await exported('members');
      const pub = await exported('public');
      const white = 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9';
      for (const o of accepted) {
        if (o.type === 'marking-definition' && o.id === white) continue; // a well-known TLP definition, kept once for everyone
        const isWhite = Array.isArray(o.object_marking_refs) && o.object_marking_refs.includes(white);
        expect((isWhite ? pub : members).get(key(o)), o.id).toEqual(o.spec_version ? o : { ...o, spec_version: '2.1' });
      }
    });

    it('accepts the MISP export with its cyber-observables', async () => {
      const original = load('misp-stix-test_events_collection_stix21.json');
      const summary = await importFile('misp-stix-test_events_collection_stix21.json', 'members');
      expect(summary).toMatchObject({ complete: true, objects: 20, successes: 20, failures: 0 });
      const members = await exported('members');
      const storedIds = new Set([...members.values()].map((o) => o.id));
      for (const o of original) expect(storedIds.has(o.id), o.id).toBe(true);
      expect(original.filter((o) => ['ipv4-addr', 'domain-name', 'file', 'autonomous-system'].includes(o.type))).toHaveLength(5);
    });

    it('keeps the official TLP 2.0 definitions once, for everyone, from tab-indented and type-less bundles', async () => {
      const files = readdirSync(path.join(stixDir, 'tlp2.0')).map((f) => `tlp2.0/${f}`);
      expect(files).toHaveLength(6);
      for (const f of files) expect(await importFile(f, 'members'), f).toMatchObject({ complete: true, objects: 1, successes: 1, failures: 0 });
      const pub = new Set([...(await exported('public')).values()].map((o) => o.id));
      const members = new Set([...(await exported('members')).values()].map((o) => o.id));
      for (const f of files.filter((name) => name.includes('marking-definition'))) expect(pub.has(load(f)[0]!.id), f).toBe(true);
      // The TLP 2.0 extension definition is one of them too: one public copy, none in the collection.
      const extension = load(files.find((name) => name.includes('extension-definition'))!)[0]!.id;
      expect(pub.has(extension)).toBe(true);
      expect(members.has(extension)).toBe(false);
    });
  });
}
