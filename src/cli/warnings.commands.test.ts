// Reporting an attack from the console: indicators extracted from a file, the sharing
// rules applied as for the web form, visible to the audience, retractable.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import { runCli } from './main.js';

for (const dialect of dialects) {
  describe(`tocsin warning [${dialect}]`, () => {
    let testStore: TestStore;
    let env: Record<string, string>;
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, { out: (t) => void out.push(t), err: (t) => void err.push(t) }, env);
      return { code, out: out.join('\n'), err: err.join('\n') };
    };

    beforeAll(async () => {
      testStore = await createTestStore(dialect);
      env = { TOCSIN_DATA_DIR: testStore.dataDir, TOCSIN_LOG_LEVEL: 'silent', ...(testStore.databaseUrl ? { TOCSIN_DATABASE_URL: testStore.databaseUrl } : {}) };
      for (const town of ['Northtown', 'Southtown', 'Westtown']) {
        expect((await cli('org', 'create', '--name', town, '--kind', 'city')).code).toBe(0);
        expect((await cli('user', 'create', '--email', `analyst@${town.toLowerCase()}.example`, '--org', town, '--role', 'analyst')).code).toBe(0);
      }
      expect((await cli('group', 'create', '--name', 'North-South', '--owner', 'Northtown')).code).toBe(0);
      expect((await cli('group', 'add', 'North-South', 'Southtown')).code).toBe(0);
    });
    afterAll(async () => testStore?.cleanup());

    it('sends a warning with indicators from a file, seen by the group and not by others, then retracts it', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tocsin-cli-'));
      const file = path.join(dir, 'iocs.txt');
      writeFileSync(file, 'C2 at 198.51.100[.]77:8443 and hxxp://payload[.]example/a.exe\nhash 44d88612fea8a8f36de82e1278abb02f\n');
      const sent = await cli('warning', 'send', '--as', 'analyst@northtown.example', '--title', 'Emotet wave', '--kind', 'phishing', '--severity', 'high', '--tlp', 'amber', '--group', 'North-South', '--details', 'Invoices with macros.', '--indicators-file', file, '--json');
      expect(sent.code, sent.err).toBe(0);
      const w = JSON.parse(sent.out);
      expect(w.indicators.map((i: { type: string; value: string }) => `${i.type}:${i.value}`).sort()).toEqual(['ipv4:198.51.100.77', 'md5:44d88612fea8a8f36de82e1278abb02f', 'url:http://payload.example/a.exe']);

      const south = JSON.parse((await cli('warning', 'list', '--as', 'analyst@southtown.example', '--json')).out);
      expect(south.items.map((x: { title: string }) => x.title)).toEqual(['Emotet wave']);
      const west = JSON.parse((await cli('warning', 'list', '--as', 'analyst@westtown.example', '--json')).out);
      expect(west.items).toEqual([]);
      const hidden = await cli('warning', 'show', w.id, '--as', 'analyst@westtown.example');
      expect(hidden.code).toBe(1);
      expect(hidden.err).toContain('NOT_FOUND');

      const notTheirs = await cli('warning', 'retract', w.id, '--as', 'analyst@southtown.example', '--reason', 'x');
      expect(notTheirs.err).toContain('WARNING_NOT_YOURS');
      const retracted = await cli('warning', 'retract', w.id, '--as', 'analyst@northtown.example', '--reason', 'Duplicate of an earlier report', '--json');
      expect(JSON.parse(retracted.out).status).toBe('retracted');
    });

    it('refuses TLP:RED to a group with a clear error and writes nothing', async () => {
      const res = await cli('warning', 'send', '--as', 'analyst@northtown.example', '--title', 'Secret', '--kind', 'other', '--severity', 'low', '--tlp', 'red', '--group', 'North-South');
      expect(res.code).toBe(1);
      expect(res.err).toMatch(/^error RED_NEEDS_RECIPIENTS: /);
      const all = JSON.parse((await cli('warning', 'list', '--as', 'analyst@northtown.example', '--json')).out);
      expect(all.items.map((x: { title: string }) => x.title)).not.toContain('Secret');
    });
  });
}
