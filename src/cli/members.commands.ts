// `tocsin org|user|token|audit|settings …`: every operator task on members, scriptable with --json.
import type { Command } from 'commander';
import { listAudit } from '../audit/audit.service.js';
import type { Config } from '../config/config.js';
import { AppError } from '../errors.js';
import { createPasswordResetLink } from '../orgs/auth.service.js';
import { cliActor, roles, scopes, type Role, type Scope } from '../orgs/actor.js';
import { inviteOperator, inviteToOrganisation } from '../orgs/invitations.service.js';
import {
  createOrganisation,
  getOrganisation,
  listDirectory,
  orgKinds,
  removeOrganisation,
  updateOrganisationProfile,
  type OrgKind,
  type OrganisationPatch,
} from '../orgs/organisations.service.js';
import { readSettings, updateSettings } from '../orgs/settings.service.js';
import { createToken, listTokens, revokeToken } from '../orgs/tokens.service.js';
import { createUser, listUsers, updateUser } from '../orgs/users.service.js';
import type { AppContext } from '../context.js';
import { printResult, withContext, type CliIO } from './context.js';
import { actAs, resolveOrg, resolveUser } from './resolve.js';

type GetConfig = () => Config;
const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function oneOf<T extends string>(what: string, allowed: readonly T[], value: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new AppError('VALIDATION_FAILED', { detail: `${what} "${value}" is not one of ${allowed.join(', ')}` });
  return value as T;
}

function integer(what: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new AppError('VALIDATION_FAILED', { detail: `${what} "${value}" is not a whole number` });
  return Number(value);
}

export function registerMemberCommands(program: Command, io: CliIO, getConfig: GetConfig): void {
  const run = <T>(fn: (ctx: AppContext) => Promise<T>) => withContext(getConfig(), fn);

  const org = program.command('org').description('member organisations');
  org
    .command('create')
    .description('add an organisation')
    .requiredOption('--name <name>', 'organisation name')
    .requiredOption('--kind <kind>', `one of ${orgKinds.join(', ')}`)
    .option('--population <n>', 'residents')
    .option('--region <region>', 'region, e.g. "Region 3"')
    .option('--observer', 'read-only organisation (e.g. a federal partner)')
    .option('--contact-name <name>')
    .option('--contact-email <email>')
    .option('--contact-phone <phone>')
    .option('--domain <domain>', 'owned domain (repeat or comma-separate)', list)
    .option('--ip-range <cidr>', 'owned IP range (repeat or comma-separate)', list)
    .option('--asn <asn>', 'owned ASN (repeat or comma-separate)', list)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const created = await run((ctx) =>
        createOrganisation(ctx, cliActor(), {
          name: o.name,
          kind: oneOf<OrgKind>('kind', orgKinds, o.kind),
          population: o.population === undefined ? null : integer('population', o.population),
          region: o.region ?? null,
          observer: Boolean(o.observer),
          contact: { name: o.contactName ?? null, email: o.contactEmail ?? null, phone: o.contactPhone ?? null },
          domains: o.domain ?? [],
          ipRanges: o.ipRange ?? [],
          asns: o.asn ?? [],
        }),
      );
      printResult(io, o.json, created, () => [[`Created organisation ${created.name} (${created.id})`]]);
    });

  org
    .command('list')
    .description('the member directory')
    .option('--kind <kind>')
    .option('--region <region>')
    .option('-q, --query <text>', 'name contains')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const items = await run((ctx) => listDirectory(ctx, cliActor(), { kind: o.kind, region: o.region, q: o.query }));
      printResult(io, o.json, items, () => [
        ['ID', 'NAME', 'KIND', 'REGION', 'POPULATION', 'VOTES', 'USERS'],
        ...items.map((i) => [i.id, i.name, i.kind + (i.observer ? ' (observer)' : ''), i.region ?? '', String(i.population ?? ''), i.votingEligible ? 'yes' : 'no', String(i.userCount)]),
      ]);
    });

  org
    .command('show <org>')
    .description('one organisation, by id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o) => {
      const item = await run(async (ctx) => getOrganisation(ctx, cliActor(), await resolveOrg(ctx, ref)));
      printResult(io, o.json, item, () => Object.entries(item).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
    });

  org
    .command('update <org>')
    .description('change an organisation')
    .option('--name <name>')
    .option('--kind <kind>')
    .option('--population <n>')
    .option('--region <region>')
    .option('--observer <yes|no>')
    .option('--contact-name <name>')
    .option('--contact-email <email>')
    .option('--contact-phone <phone>')
    .option('--domains <list>', 'replace owned domains (comma-separated; "" for none)')
    .option('--ip-ranges <list>', 'replace owned IP ranges')
    .option('--asns <list>', 'replace owned ASNs')
    .option('--json', 'print JSON')
    .action(async (ref: string, o) => {
      const patch: OrganisationPatch = {};
      if (o.name !== undefined) patch.name = o.name;
      if (o.kind !== undefined) patch.kind = oneOf<OrgKind>('kind', orgKinds, o.kind);
      if (o.population !== undefined) patch.population = integer('population', o.population);
      if (o.region !== undefined) patch.region = o.region;
      if (o.observer !== undefined) patch.observer = oneOf('observer', ['yes', 'no'], o.observer) === 'yes';
      if (o.contactName !== undefined || o.contactEmail !== undefined || o.contactPhone !== undefined) {
        patch.contact = { ...(o.contactName !== undefined ? { name: o.contactName } : {}), ...(o.contactEmail !== undefined ? { email: o.contactEmail } : {}), ...(o.contactPhone !== undefined ? { phone: o.contactPhone } : {}) };
      }
      if (o.domains !== undefined) patch.domains = list(o.domains);
      if (o.ipRanges !== undefined) patch.ipRanges = list(o.ipRanges);
      if (o.asns !== undefined) patch.asns = list(o.asns);
      const item = await run(async (ctx) => updateOrganisationProfile(ctx, cliActor(), await resolveOrg(ctx, ref), patch));
      printResult(io, o.json, item, () => [[`Updated ${item.name}`]]);
    });

  org
    .command('delete <org>')
    .description('remove an organisation that has no users')
    .option('--json', 'print JSON')
    .action(async (ref: string, o) => {
      const id = await run(async (ctx) => {
        const orgId = await resolveOrg(ctx, ref);
        await removeOrganisation(ctx, cliActor(), orgId);
        return orgId;
      });
      printResult(io, o.json, { deleted: id }, () => [[`Deleted organisation ${id}`]]);
    });

  const user = program.command('user').description('people and their roles');
  user
    .command('create')
    .description('create a user directly (prints a generated password once unless --password-file is given)')
    .requiredOption('--email <email>')
    .option('--name <name>')
    .option('--org <org>', 'organisation id or name')
    .option('--role <role>', `one of ${roles.join(', ')}`, 'member')
    .option('--operator', 'make a hub operator')
    .option('--password-file <file>', 'read the password from a file instead of generating one')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const { readFileSync } = await import('node:fs');
      const password = o.passwordFile ? readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '') : undefined;
      const result = await run(async (ctx) =>
        createUser(ctx, cliActor(), {
          email: o.email,
          name: o.name ?? o.email,
          orgId: o.org ? await resolveOrg(ctx, o.org) : null,
          role: o.org ? oneOf<Role>('role', roles, o.role) : null,
          isOperator: Boolean(o.operator),
          password,
        }),
      );
      printResult(io, o.json, result, () => [[`Created ${result.user.email} (${result.user.id})`], ...(result.password ? [[`Password (shown once): ${result.password}`]] : [])]);
    });

  user
    .command('list')
    .description('users of an organisation, or all')
    .option('--org <org>', 'organisation id or name')
    .option('--operators', 'only operators')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const items = await run(async (ctx) => listUsers(ctx, cliActor(), { orgId: o.org ? await resolveOrg(ctx, o.org) : undefined, operators: o.operators }));
      printResult(io, o.json, items, () => [
        ['ID', 'EMAIL', 'NAME', 'ROLE', 'TOTP', 'STATUS'],
        ...items.map((u) => [u.id, u.email, u.name, u.isOperator ? 'operator' : (u.role ?? ''), u.totpEnabled ? 'on' : 'off', u.disabled ? 'disabled' : 'active']),
      ]);
    });

  user
    .command('invite')
    .description('email an invitation link (also printed)')
    .requiredOption('--email <email>')
    .option('--org <org>', 'organisation id or name')
    .option('--role <role>', `one of ${roles.join(', ')}`, 'member')
    .option('--operator', 'invite a hub operator')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const result = await run(async (ctx) =>
        o.operator ? inviteOperator(ctx, cliActor(), { email: o.email }) : inviteToOrganisation(ctx, cliActor(), await resolveOrg(ctx, requireOpt(o.org, '--org')), { email: o.email, role: oneOf<Role>('role', roles, o.role) }),
      );
      printResult(io, o.json, result, () => [[`Invitation for ${result.invitation.email}${result.emailSent ? ' sent' : ' created (mail not sent)'}: ${result.inviteUrl}`]]);
    });

  for (const [name, patch, what] of [
    ['disable', { disabled: true }, 'disable a user (signs them out; their tokens stop working)'],
    ['enable', { disabled: false }, 'enable a disabled user'],
  ] as const) {
    user
      .command(`${name} <user>`)
      .description(what)
      .option('--json', 'print JSON')
      .action(async (ref: string, o) => {
        const result = await run(async (ctx) => updateUser(ctx, cliActor(), (await resolveUser(ctx, ref)).id, patch));
        printResult(io, o.json, result, () => [[`${result.email}: ${result.disabled ? 'disabled' : 'active'}`]]);
      });
  }

  user
    .command('set-role <user> <role>')
    .description(`change a user's role (${roles.join(', ')})`)
    .option('--json', 'print JSON')
    .action(async (ref: string, role: string, o) => {
      const result = await run(async (ctx) => updateUser(ctx, cliActor(), (await resolveUser(ctx, ref)).id, { role: oneOf<Role>('role', roles, role) }));
      printResult(io, o.json, result, () => [[`${result.email} is now ${result.role}`]]);
    });

  user
    .command('reset-password <user>')
    .description('print a one-time password-reset link (works without mail)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o) => {
      const result = await run(async (ctx) => createPasswordResetLink(ctx, cliActor(), await resolveUser(ctx, ref)));
      printResult(io, o.json, result, () => [[`Reset link (valid until ${result.expiresAt}): ${result.url}`]]);
    });

  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token for a user; the secret is printed once')
    .requiredOption('--user <user>', 'email or id of the user the token acts for')
    .requiredOption('--name <name>', 'what the token is for, e.g. "SIEM at City Hall"')
    .option('--scope <scope>', `${scopes.join(', ')} (repeat or comma-separate)`, list)
    .option('--expires-in-days <days>', 'days until it expires')
    .option('--no-expiry', 'never expires')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const result = await run(async (ctx) => {
        const actor = await actAs(ctx, o.user);
        return createToken(ctx, actor, {
          name: o.name,
          scopes: (o.scope ?? ['read']).map((s: string) => oneOf<Scope>('scope', scopes, s)),
          expiresInDays: o.expiry === false ? null : o.expiresInDays === undefined ? undefined : integer('expires-in-days', o.expiresInDays),
        });
      });
      printResult(io, o.json, result, () => [[`Token ${result.token.id} for ${result.token.userEmail} (${result.token.scopes.join(',')})`], [`Secret (shown once): ${result.secret}`]]);
    });

  token
    .command('list')
    .description("a user's or an organisation's tokens")
    .option('--user <user>', 'email or id')
    .option('--org <org>', 'organisation id or name')
    .option('--json', 'print JSON')
    .action(async (o) => {
      if (!o.user && !o.org) throw new AppError('VALIDATION_FAILED', { detail: 'give --user or --org' });
      const items = await run(async (ctx) => listTokens(ctx, cliActor(), o.org ? { orgId: await resolveOrg(ctx, o.org) } : { userId: (await resolveUser(ctx, o.user)).id }));
      printResult(io, o.json, items, () => [
        ['ID', 'NAME', 'USER', 'SCOPES', 'STATUS', 'EXPIRES', 'LAST USED'],
        ...items.map((t) => [t.id, t.name, t.userEmail, t.scopes.join(','), t.status, t.expiresAt ?? 'never', t.lastUsedAt ?? '']),
      ]);
    });

  token
    .command('revoke <id>')
    .description('revoke a token at once')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      await run((ctx) => revokeToken(ctx, cliActor(), id));
      printResult(io, o.json, { revoked: id }, () => [[`Revoked ${id}`]]);
    });

  program
    .command('audit')
    .description('the audit trail, newest first')
    .option('--org <org>', 'organisation id or name')
    .option('--action <action>', 'e.g. auth, auth.login, org.create')
    .option('--limit <n>', 'entries', '50')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const page = await run(async (ctx) => listAudit(ctx, cliActor(), { orgId: o.org ? await resolveOrg(ctx, o.org) : undefined, action: o.action, limit: integer('limit', o.limit) }));
      printResult(io, o.json, page, () => [['ID', 'AT', 'ACTION', 'ACTOR', 'TARGET', 'IP'], ...page.items.map((e) => [String(e.id), e.at, e.action, e.actorLabel ?? e.actorKind, `${e.targetType ?? ''} ${e.targetId ?? ''}`.trim(), e.ip ?? ''])]);
    });

  program
    .command('settings')
    .description('show or change hub-wide settings')
    .option('--require-totp-for-admins <yes|no>')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const settings = await run((ctx) =>
        o.requireTotpForAdmins === undefined ? readSettings(ctx) : updateSettings(ctx, cliActor(), { requireTotpForAdmins: oneOf('value', ['yes', 'no'], o.requireTotpForAdmins) === 'yes' }),
      );
      printResult(io, o.json, settings, () => Object.entries(settings).map(([k, v]) => [k, String(v)]));
    });
}

function requireOpt(value: string | undefined, name: string): string {
  if (!value) throw new AppError('VALIDATION_FAILED', { detail: `${name} is required` });
  return value;
}
