// `tocsin group …`: the operator's tasks on sharing groups, scriptable with --json.
// Groups and organisations are named by id or by exact (case-insensitive) name.
import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import type { AppContext } from '../context.js';
import { cliActor } from '../orgs/actor.js';
import { addGroupMember, createGroup, deleteGroup, getGroup, listGroups, removeGroupMember, type Group } from '../orgs/groups.service.js';
import { printResult, withContext, type CliIO } from './context.js';
import { resolveGroup, resolveOrg } from './resolve.js';

type GetConfig = () => Config;

function groupRows(group: Group): string[][] {
  return [
    ['id', group.id],
    ['name', group.name],
    ['description', group.description ?? ''],
    ['owner', `${group.ownerOrgName} (${group.ownerOrgId})`],
    ['created', group.createdAt],
    ['updated', group.updatedAt],
    ['members', String(group.members.length)],
    ...group.members.map((m) => ['', `${m.name} (${m.orgId})`]),
  ];
}

export function registerGroupCommands(program: Command, io: CliIO, getConfig: GetConfig): void {
  const run = <T>(fn: (ctx: AppContext) => Promise<T>) => withContext(getConfig(), fn);

  const group = program.command('group').description('sharing groups: named sets of organisations');
  group
    .command('create')
    .description('create a sharing group; its owner organisation is its first member')
    .requiredOption('--name <name>', 'group name, e.g. "Region 3 cities"')
    .option('--description <text>', 'what the group is for')
    .requiredOption('--owner <org>', 'owning organisation, by id or name')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const created = await run(async (ctx) => createGroup(ctx, cliActor(), { name: o.name, description: o.description ?? null, ownerOrgId: await resolveOrg(ctx, o.owner) }));
      printResult(io, o.json, created, () => [[`Created sharing group ${created.name} (${created.id}), owned by ${created.ownerOrgName}`]]);
    });

  group
    .command('list')
    .description('every sharing group')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const items = await run((ctx) => listGroups(ctx, cliActor()));
      printResult(io, o.json, items, () => [['ID', 'NAME', 'OWNER', 'MEMBERS'], ...items.map((g) => [g.id, g.name, g.ownerOrgName, String(g.members.length)])]);
    });

  group
    .command('show <group>')
    .description('one sharing group and its members, by id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o) => {
      const item = await run(async (ctx) => getGroup(ctx, cliActor(), await resolveGroup(ctx, ref)));
      printResult(io, o.json, item, () => groupRows(item));
    });

  group
    .command('add <group> <org>')
    .description('add an organisation to a group (nothing changes if it is already a member)')
    .option('--json', 'print JSON')
    .action(async (groupRef: string, orgRef: string, o) => {
      const item = await run(async (ctx) => {
        const groupId = await resolveGroup(ctx, groupRef);
        await addGroupMember(ctx, cliActor(), groupId, await resolveOrg(ctx, orgRef));
        return getGroup(ctx, cliActor(), groupId);
      });
      printResult(io, o.json, item, () => [[`${item.name} now has ${item.members.length} member(s)`]]);
    });

  group
    .command('remove <group> <org>')
    .description('remove an organisation from a group (not its owner)')
    .option('--json', 'print JSON')
    .action(async (groupRef: string, orgRef: string, o) => {
      const item = await run(async (ctx) => {
        const groupId = await resolveGroup(ctx, groupRef);
        await removeGroupMember(ctx, cliActor(), groupId, await resolveOrg(ctx, orgRef));
        return getGroup(ctx, cliActor(), groupId);
      });
      printResult(io, o.json, item, () => [[`${item.name} now has ${item.members.length} member(s)`]]);
    });

  group
    .command('delete <group>')
    .description('delete a sharing group')
    .option('--json', 'print JSON')
    .action(async (ref: string, o) => {
      const id = await run(async (ctx) => {
        const groupId = await resolveGroup(ctx, ref);
        await deleteGroup(ctx, cliActor(), groupId);
        return groupId;
      });
      printResult(io, o.json, { deleted: id }, () => [[`Deleted sharing group ${id}`]]);
    });
}
