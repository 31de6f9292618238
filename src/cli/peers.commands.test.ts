import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/free-port.js';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import { createTaxiiWorld, envelope, indicator, root, taxii, type TaxiiWorld } from '../test/taxii.js';
import { membersCollectionId, publicCollectionId } from '../taxii/collections.js';
import type { Peer } from '../federation/peers.view.js';
import type { RunOutcome } from '../federation/runner.js';
import { runCli } from './main.js';
import { captureIO } from '../test/cli-io.js';


for (const dialect of dialects) {
  describe(`tocsin peer [${dialect}]`, () => {
    let testStore: TestStore;
    let env: Record<string, string>;
    let peerHub: TaxiiWorld;
    let peerBase: string;

    beforeAll(async () => {
      testStore = await createTestStore(dialect);
      env = {
        TOCSIN_DATA_DIR: testStore.dataDir,
        TOCSIN_LOG_LEVEL: 'silent',
        TOCSIN_OUTBOUND_ALLOW: '127.0.0.1',
        ...(testStore.databaseUrl ? { TOCSIN_DATABASE_URL: testStore.databaseUrl } : {}),
      };
      const port = await freePort();
      peerBase = `http://127.0.0.1:${port}`;
      peerHub = await createTaxiiWorld(dialect, { outboundAllow: '127.0.0.1', publicUrl: peerBase });
      await peerHub.hub.app.listen({ port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await peerHub?.hub.close();
      await testStore?.cleanup();
    });

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

    it('adds, lists, shows, changes and removes a peer by name, with the secret read from a file', async () => {
      const secretFile = path.join(testStore.dataDir, 'peer-token');
      writeFileSync(secretFile, `${peerHub.tokenC}\n`);
      const added = await cliJson<Peer>('peer', 'add', '--name', 'State hub', '--url', `${peerBase}/taxii2/`, '--direction', 'both', '--secret-file', secretFile, '--pull', publicCollectionId, '--into', 'public', '--push-to', publicCollectionId);
      expect(added).toMatchObject({ name: 'State hub', authKind: 'bearer', secretHint: `…${peerHub.tokenC.slice(-4)}`, egress: ['clear'], enabled: true });
      expect(JSON.stringify(added)).not.toContain(peerHub.tokenC);

      expect((await cliJson<Peer[]>('peer', 'list')).map((p) => p.id)).toEqual([added.id]);
      const text = await cli('peer', 'show', 'state HUB');
      expect(text.code, text.err).toBe(0);
      expect(text.out).toMatch(/may leave +TLP:CLEAR\n/);
      expect(text.out).not.toContain(peerHub.tokenC);

      const changed = await cliJson<Peer>('peer', 'update', 'State hub', '--interval', '600', '--same-community', '--pull', `${publicCollectionId},${membersCollectionId}`, '--into', 'members');
      expect(changed).toMatchObject({ intervalSeconds: 600, sameCommunity: true, egress: ['clear', 'green'], pullCollections: [publicCollectionId, membersCollectionId], secretHint: added.secretHint });

      const none = await cli('peer', 'add', '--name', 'No credential', '--url', `${peerBase}/taxii2/`, '--direction', 'pull', '--pull', publicCollectionId);
      expect(none.code).toBe(1);
      expect(none.err).toContain('give a credential');
      const internal = await cli('peer', 'add', '--name', 'Internal', '--url', 'http://10.9.8.7/taxii2/', '--direction', 'pull', '--pull', publicCollectionId, '--no-auth');
      expect(internal.code).toBe(1);
      expect(internal.err).toContain('URL_REFUSED');

      const removed = await cliJson<{ deleted: string }>('peer', 'remove', 'state hub');
      expect(removed.deleted).toBe(added.id);
      const gone = await cli('peer', 'show', 'State hub');
      expect(gone.code).toBe(1);
      expect(gone.err).toContain('NOT_FOUND');
    });

    it('pulls and pushes on demand, and fails clearly (exit 1) when the peer is down or the peer is off', async () => {
      const object = indicator({ tlp: 'clear' });
      const posted = await taxii(peerHub.hub, peerHub.tokenB, { method: 'POST', url: `${root}/collections/${publicCollectionId}/objects/`, payload: envelope([object]) });
      expect(posted.statusCode).toBe(202);
      await cliJson<Peer>('peer', 'add', '--name', 'County hub', '--url', `${peerBase}/taxii2/tocsin/`, '--direction', 'pull', '--token', peerHub.tokenC, '--pull', publicCollectionId);
      const pulled = await cliJson<RunOutcome>('peer', 'pull', 'County hub');
      expect(pulled.ok).toBe(true);
      expect(pulled.pulls[0]).toMatchObject({ collectionId: publicCollectionId, complete: true });
      expect(pulled.pulls[0]!.added).toBeGreaterThanOrEqual(1);
      const push = await cli('peer', 'push', 'County hub');
      expect(push.code).toBe(1);
      expect(push.err).toContain('set to pull only');

      await cliJson('peer', 'update', 'County hub', '--disable');
      const off = await cli('peer', 'pull', 'County hub');
      expect(off.code).toBe(1);
      expect(off.err).toContain('PEER_DISABLED');

      const closed = await freePort();
      await cliJson('peer', 'update', 'County hub', '--enable', '--url', `http://127.0.0.1:${closed}/taxii2/`);
      const down = await cli('peer', 'pull', 'County hub');
      expect(down.code).toBe(1);
      expect(down.err).toContain('PEER_RUN_FAILED');
      expect(down.err).toContain('connection refused');
      const health = (await cliJson<Peer>('peer', 'show', 'County hub')).health;
      expect(health).toMatchObject({ status: 'failing', consecutiveFailures: 1 });
      await cliJson('peer', 'remove', 'County hub');
    });
  });
}
