// `tocsin feed …` on both dialects: add a file feed, run it in-process (plain summary when not
// a terminal), list it and its runs, fail clearly (exit 1) on a garbage source, remove it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feed, FeedRunView } from '../feeds/feeds.view.js';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import { captureIO } from '../test/cli-io.js';
import { progressLine } from './feeds.commands.js';
import { runCli } from './main.js';


for (const dialect of dialects) {
  describe(`tocsin feed [${dialect}]`, () => {
    let testStore: TestStore;
    let env: Record<string, string>;
    let root: string;

    beforeAll(async () => {
      testStore = await createTestStore(dialect);
      root = path.join(testStore.dataDir, 'feeds');
      mkdirSync(root, { recursive: true });
      env = {
        TOCSIN_DATA_DIR: testStore.dataDir,
        TOCSIN_LOG_LEVEL: 'silent',
        TOCSIN_FEED_FILE_ROOT: root,
        ...(testStore.databaseUrl ? { TOCSIN_DATABASE_URL: testStore.databaseUrl } : {}),
      };
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

    it('adds, runs, lists and removes a feed, and exits 1 when a run fails', async () => {
      writeFileSync(path.join(root, 'botnet.txt'), '# C2 servers\n45.9.148.1\n45.9.148.2 # second\nnot-an-ip-at-all!\n');
      const added = await cliJson<Feed>('feed', 'add', '--name', 'Botnet C2', '--kind', 'list', '--file', 'botnet.txt', '--type', 'ip', '--tlp', 'amber', '--interval', '30');
      expect(added).toMatchObject({ name: 'Botnet C2', kind: 'list', tlp: 'amber', intervalMinutes: 30, file: path.join(root, 'botnet.txt') });

      const ran = await cli('feed', 'run', 'botnet c2');
      expect(ran.code, ran.err).toBe(0);
      expect(ran.out).toContain('Botnet C2: complete');
      expect(ran.out).toContain('2 new');
      expect(ran.out).toContain('1 rejected');
      expect(ran.out).toMatch(/refused line 4/);

      const again = await cliJson<FeedRunView>('feed', 'run', 'Botnet C2');
      expect(again.status).toBe('not-modified');

      const listed = await cliJson<Feed[]>('feed', 'list');
      expect(listed.map((f) => [f.name, f.health.status])).toEqual([['Botnet C2', 'healthy']]);
      const text = await cli('feed', 'show', 'Botnet C2');
      expect(text.out).toMatch(/TLP +at least TLP:AMBER/);
      const runs = await cliJson<FeedRunView[]>('feed', 'runs', 'Botnet C2');
      expect(runs.map((r) => [r.trigger, r.status])).toEqual([
        ['cli', 'not-modified'],
        ['cli', 'complete'],
      ]);

      writeFileSync(path.join(root, 'botnet.txt'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b]));
      const failed = await cli('feed', 'run', 'Botnet C2');
      expect(failed.code).toBe(1);
      expect(failed.out).toContain('Botnet C2: failed');
      expect(failed.err).toContain('FEED_RUN_FAILED');

      const outside = await cli('feed', 'add', '--name', 'Passwords', '--kind', 'list', '--file', '/etc/passwd');
      expect(outside.code).toBe(1);
      expect(outside.err).toContain('FEED_FILE_REFUSED');

      const removed = await cliJson<{ deleted: string }>('feed', 'remove', 'Botnet C2');
      expect(removed.deleted).toBe(added.id);
      expect((await cli('feed', 'show', 'Botnet C2')).err).toContain('NOT_FOUND');
    });

    it('draws a progress line with the share read when the size is known', () => {
      const line = progressLine({
        counts: { records: 1200, new: 1000, updated: 0, unchanged: 150, rejected: 50, skipped: 0, filtered: 0, expired: 0 },
        bytesRead: 512 * 1024,
        totalBytes: 1024 * 1024,
      } as FeedRunView);
      expect(line).toBe('512.0 KiB of 1.0 MiB (50 %), 1,200 records: 1,000 new, 0 updated, 150 unchanged, 50 rejected, 0 skipped, 0 filtered');
    });
  });
}
