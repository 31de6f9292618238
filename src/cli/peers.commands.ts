// `tocsin peer …`: the operator's peer hubs (federation over TAXII 2.1), scriptable with
// --json. Peers are named by id or exact (case-insensitive) name. Secrets can come from a
// file (--secret-file, "-" for stdin) so they stay out of shell history and `ps`.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { AppError } from '../errors.js';
import { cliActor } from '../orgs/actor.js';
import type { Peer } from '../federation/peers.view.js';
import {
  createPeer,
  deletePeer,
  getPeer,
  listPeers,
  localCollections,
  peerDirections,
  resolvePeer,
  runPeerFor,
  testPeer,
  updatePeer,
  type PeerInput,
  type PeerPatch,
} from '../federation/peers.service.js';
import type { RunOutcome } from '../federation/runner.js';
import { printResult, withContext, type CliIO } from './context.js';

type GetConfig = () => Config;
const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function oneOf<T extends string>(what: string, allowed: readonly T[], value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new AppError('VALIDATION_FAILED', { detail: `${what} "${value}" is not one of ${allowed.join(', ')}` });
  return value as T;
}

function integer(what: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new AppError('VALIDATION_FAILED', { detail: `${what} must be a whole number of seconds` });
  return Number(value);
}

function readSecret(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8').trim();
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', { detail: `cannot read the secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
  }
}

interface PeerOptions {
  name?: string;
  url?: string;
  direction?: string;
  token?: string;
  username?: string;
  password?: string;
  secretFile?: string;
  /** false with --no-auth */
  auth?: boolean;
  pull?: string[];
  into?: string;
  pushTo?: string;
  interval?: string;
  sameCommunity?: boolean;
  enabled?: boolean;
  /** the API token id the peer calls this hub with; '' unlinks */
  inboundToken?: string;
}

/** The credential options: --token (bearer), --username with --password (basic), --no-auth; --secret-file for either secret. */
function authFrom(o: PeerOptions): Pick<PeerInput, 'authKind' | 'username' | 'secret'> | null {
  const fileSecret = o.secretFile !== undefined ? readSecret(o.secretFile) : undefined;
  if (o.auth === false) return { authKind: 'none', username: null, secret: null };
  // Without a password the stored one stays (when the peer already uses basic authentication).
  if (o.username !== undefined) return { authKind: 'basic', username: o.username, secret: o.password ?? fileSecret };
  if (o.token !== undefined || fileSecret !== undefined) return { authKind: 'bearer', secret: o.token ?? fileSecret ?? null };
  if (o.password !== undefined) throw new AppError('VALIDATION_FAILED', { detail: '--password needs --username (HTTP Basic); use --token for a bearer token' });
  return null;
}

function settingsFrom(o: PeerOptions): PeerPatch {
  const patch: PeerPatch = {};
  if (o.name !== undefined) patch.name = o.name;
  if (o.url !== undefined) patch.url = o.url;
  const direction = oneOf('direction', peerDirections, o.direction);
  if (direction) patch.direction = direction;
  const auth = authFrom(o);
  if (auth) Object.assign(patch, auth);
  if (o.pull !== undefined) patch.pullCollections = o.pull;
  const into = oneOf('--into', localCollections, o.into);
  if (into) patch.localCollection = into;
  if (o.pushTo !== undefined) patch.pushCollection = o.pushTo === '' ? null : o.pushTo;
  const interval = integer('--interval', o.interval);
  if (interval !== undefined) patch.intervalSeconds = interval;
  if (o.sameCommunity !== undefined) patch.sameCommunity = o.sameCommunity;
  if (o.enabled !== undefined) patch.enabled = o.enabled;
  if (o.inboundToken !== undefined) patch.inboundTokenId = o.inboundToken === '' ? null : o.inboundToken;
  return patch;
}

function withSettings(cmd: Command): Command {
  return cmd
    .option('--url <url>', "the peer's TAXII 2.1 discovery URL (…/taxii2/) or API root")
    .option('--direction <direction>', peerDirections.join(', '))
    .option('--token <token>', 'bearer token for the peer (an API token it gave this hub)')
    .option('--username <name>', 'user name for HTTP Basic')
    .option('--password <password>', 'password for HTTP Basic')
    .option('--secret-file <file>', 'read the token (or, with --username, the password) from a file; "-" for stdin')
    .option('--no-auth', 'call the peer without credentials')
    .option('--pull <ids>', "the peer's collection ids to pull from (repeat or comma-separate)", list)
    .option('--into <collection>', `where pulled objects land here: ${localCollections.join(' or ')}`)
    .option('--push-to <id>', "the peer's collection id to push to")
    .option('--interval <seconds>', 'seconds between pulls')
    .option('--same-community', 'the peer is in the same community: TLP:GREEN may go to it')
    .option('--inbound-token <id>', 'the id (tk…) of the API token the peer calls this hub with: it then reads only what may leave to the peer ("" to unlink)')
    .option('--json', 'print JSON');
}

function peerRows(p: Peer): string[][] {
  const h = p.health;
  return [
    ['id', p.id],
    ['name', p.name],
    ['url', p.url],
    ['api root', p.apiRoot ?? '(found at first contact)'],
    ['direction', p.direction],
    ['credential', p.authKind === 'none' ? 'none' : `${p.authKind}${p.username ? ` ${p.username}` : ''} ${p.secretHint ?? ''}`.trim()],
    ['pull from', p.pullCollections.join(', ') || '-'],
    ['lands in', p.localCollection],
    ['push to', p.pushCollection ?? '-'],
    ['may leave', p.egress.map((t) => `TLP:${t.toUpperCase()}`).join(', ') || '-'],
    ['its token here', p.inboundTokenId ?? '-'],
    ['interval', `${p.intervalSeconds} s`],
    ['enabled', p.enabled ? 'yes' : 'no'],
    ['health', `${h.status}${h.consecutiveFailures ? ` (${h.consecutiveFailures} failure(s) in a row)` : ''}`],
    ['last success', h.lastSuccessAt ?? '-'],
    ['last error', h.lastError ? `${h.lastErrorAt} ${h.lastError}` : '-'],
    ['next attempt', h.nextAttemptAt ?? '-'],
    ['pushed', `${p.objectsPushed} object(s), up to ${p.pushedUpTo ?? '-'}`],
    ...p.pullCursors.map((c) => [`pulled ${c.collectionId}`, `${c.objectsReceived} object(s), after ${c.addedAfter ?? '-'}${c.inProgress ? ' (in progress)' : ''}`]),
  ];
}

function outcomeRows(o: RunOutcome): string[][] {
  const rows: string[][] = [[o.ok ? 'ok' : `failed: ${o.error ?? ''}`]];
  for (const p of o.pulls) rows.push([`pulled ${p.collectionId}: ${p.received} received, ${p.added} new, ${p.alreadyHad} already here, ${p.refused} refused${p.complete ? '' : ' (more to come)'}`]);
  if (o.push) rows.push([`pushed: ${o.push.sent} sent, ${o.push.withheld} kept back (TLP or from this peer), ${o.push.refused} refused by the peer`]);
  return rows;
}

export function registerPeerCommands(program: Command, io: CliIO, getConfig: GetConfig): void {
  const run = <T>(fn: Parameters<typeof withContext<T>>[1]) => withContext(getConfig(), fn);
  const peer = program.command('peer').description('peer hubs: federation over TAXII 2.1');

  withSettings(peer.command('add').description('add a peer hub').requiredOption('--name <name>', 'a name for the peer, e.g. "State fusion centre"'))
    .option('--disabled', 'add it switched off')
    .action(async (o: PeerOptions & { disabled?: boolean; json?: boolean }) => {
      const settings = settingsFrom(o);
      if (!settings.url) throw new AppError('VALIDATION_FAILED', { detail: '--url is required' });
      if (!settings.direction) throw new AppError('VALIDATION_FAILED', { detail: `--direction is required (${peerDirections.join(', ')})` });
      const input: PeerInput = { authKind: 'none', ...settings, name: o.name!, url: settings.url, direction: settings.direction, enabled: !o.disabled };
      if (!authFrom(o)) throw new AppError('VALIDATION_FAILED', { detail: 'give a credential: --token, --username with --password, --secret-file, or --no-auth' });
      const created = await run((ctx) => createPeer(ctx, cliActor(), input));
      printResult(io, Boolean(o.json), created, () => [[`Added peer hub ${created.name} (${created.id}); it may receive ${created.egress.map((t) => `TLP:${t.toUpperCase()}`).join(', ') || 'nothing (pull only)'}`]]);
    });

  peer
    .command('list')
    .description('every peer hub with its health')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const items = await run((ctx) => listPeers(ctx, cliActor()));
      printResult(io, Boolean(o.json), items, () => [
        ['ID', 'NAME', 'DIRECTION', 'HEALTH', 'LAST SUCCESS', 'URL'],
        ...items.map((p) => [p.id, p.name, p.direction, p.health.status, p.health.lastSuccessAt ?? '-', p.url]),
      ]);
    });

  peer
    .command('show <peer>')
    .description('one peer hub, its cursors and health')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const item = await run(async (ctx) => getPeer(ctx, cliActor(), await resolvePeer(ctx, ref)));
      printResult(io, Boolean(o.json), item, () => peerRows(item));
    });

  withSettings(peer.command('update <peer>').description('change a peer hub (the stored secret stays unless a new one is given)').option('--name <name>', 'new name'))
    .option('--no-same-community', 'the peer is not in the same community: only TLP:CLEAR goes to it')
    .option('--enable', 'switch it on')
    .option('--disable', 'switch it off')
    .action(async (ref: string, o: PeerOptions & { enable?: boolean; disable?: boolean; json?: boolean }) => {
      if (o.enable && o.disable) throw new AppError('VALIDATION_FAILED', { detail: 'give --enable or --disable, not both' });
      const patch = settingsFrom({ ...o, ...(o.enable ? { enabled: true } : o.disable ? { enabled: false } : {}) });
      if (Object.keys(patch).length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'nothing to change' });
      const item = await run(async (ctx) => updatePeer(ctx, cliActor(), await resolvePeer(ctx, ref), patch));
      printResult(io, Boolean(o.json), item, () => peerRows(item));
    });

  peer
    .command('remove <peer>')
    .description('remove a peer hub (objects received from it stay)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const id = await run(async (ctx) => {
        const peerId = await resolvePeer(ctx, ref);
        await deletePeer(ctx, cliActor(), peerId);
        return peerId;
      });
      printResult(io, Boolean(o.json), { deleted: id }, () => [[`Removed peer hub ${id}`]]);
    });

  peer
    .command('test <peer>')
    .description('call the peer now and check its API root and the configured collections')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const result = await run(async (ctx) => testPeer(ctx, cliActor(), await resolvePeer(ctx, ref)));
      printResult(io, Boolean(o.json), result, () => [
        [result.ok ? `ok: ${result.apiRoot}` : `failed: ${result.error ?? ''}`],
        ...result.collections.map((c) => [`  ${c.id}  ${c.title}${c.canRead ? '  read' : ''}${c.canWrite ? '  write' : ''}`]),
      ]);
      if (!result.ok) throw new AppError('PEER_RUN_FAILED', { what: 'test', detail: result.error ?? 'unknown error' });
    });

  for (const what of ['pull', 'push'] as const) {
    peer
      .command(`${what} <peer>`)
      .description(what === 'pull' ? 'pull from the peer now, from the saved cursor' : 'push what is new to the peer now')
      .option('--json', 'print JSON')
      .action(async (ref: string, o: { json?: boolean }) => {
        const outcome = await run(async (ctx) => runPeerFor(ctx, cliActor(), await resolvePeer(ctx, ref), what));
        printResult(io, Boolean(o.json), outcome, () => outcomeRows(outcome));
        if (!outcome.ok) throw new AppError('PEER_RUN_FAILED', { what, detail: outcome.error ?? 'unknown error' });
      });
  }
}
