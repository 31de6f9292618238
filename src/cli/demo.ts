// `tocsin serve --demo`: a few towns, groups and people so a newcomer can look around.
// Runs only when the hub has no organisations yet; prints the demo sign-ins.
import type { AppContext } from '../context.js';
import { cliActor } from '../orgs/actor.js';
import { createOrganisation } from '../orgs/organisations.service.js';
import { createUser } from '../orgs/users.service.js';
import type { CliIO } from './context.js';

export const demoPassword = 'tocsin-demo-password';

const towns = [
  { name: 'Springfield', kind: 'city', population: 310_000, region: 'Region 3', domains: ['springfield.example'], ipRanges: ['198.51.100.0/24'] },
  { name: 'Shelbyville', kind: 'city', population: 62_000, region: 'Region 3', domains: ['shelbyville.example'], ipRanges: ['203.0.113.0/25'] },
  { name: 'Ogdenville', kind: 'city', population: 9_800, region: 'Region 3', domains: ['ogdenville.example'], ipRanges: [] },
  { name: 'Capital County', kind: 'county', population: 1_200_000, region: 'Region 3', domains: ['capitalcounty.example'], ipRanges: ['192.0.2.0/24'] },
  { name: 'State Fusion Centre', kind: 'state', population: 6_000_000, region: 'Statewide', domains: ['fusion.state.example'], ipRanges: [] },
  { name: 'Federal Partner', kind: 'federal', population: null, region: null, domains: [], ipRanges: [], observer: true },
] as const;

export async function seedDemo(ctx: AppContext, io: CliIO): Promise<void> {
  const existing = await ctx.db.selectFrom('organisations').select('id').limit(1).execute();
  if (existing.length > 0) {
    io.out('Demo data not added: the hub already has organisations.');
    return;
  }
  const actor = cliActor();
  const ids: Record<string, string> = {};
  for (const town of towns) {
    const org = await createOrganisation(ctx, actor, { ...town, domains: [...town.domains], ipRanges: [...town.ipRanges], contact: { name: 'IT Security', email: town.domains[0] ? `security@${town.domains[0]}` : null } });
    ids[town.name] = org.id;
  }
  const people = [
    { email: 'ciso@springfield.example', name: 'Springfield CISO', org: 'Springfield', role: 'admin' },
    { email: 'analyst@springfield.example', name: 'Springfield Analyst', org: 'Springfield', role: 'analyst' },
    { email: 'it@shelbyville.example', name: 'Shelbyville IT', org: 'Shelbyville', role: 'admin' },
    { email: 'it@ogdenville.example', name: 'Ogdenville IT', org: 'Ogdenville', role: 'admin' },
    { email: 'soc@capitalcounty.example', name: 'County SOC', org: 'Capital County', role: 'analyst' },
    { email: 'liaison@federal.example', name: 'Federal Liaison', org: 'Federal Partner', role: 'member' },
  ] as const;
  for (const p of people) {
    await createUser(ctx, actor, { email: p.email, name: p.name, orgId: ids[p.org]!, role: p.role, isOperator: false, password: demoPassword });
  }
  await seedDemoGroups(ctx, ids);
  io.out(['', '  Demo data added. Sign in as any of these with the password ' + demoPassword + ':', ...people.map((p) => `    ${p.email.padEnd(32)} ${p.role} at ${p.org}`), ''].join('\n'));
}

/** Groups come from the groups module when present. */
async function seedDemoGroups(ctx: AppContext, ids: Record<string, string>): Promise<void> {
  const { createGroup, addGroupMember } = await import('../orgs/groups.service.js');
  const actor = cliActor();
  const region = await createGroup(ctx, actor, { name: 'Region 3 cities', description: 'Cities and the county of Region 3', ownerOrgId: ids['Capital County']! });
  for (const name of ['Springfield', 'Shelbyville', 'Ogdenville', 'Capital County']) await addGroupMember(ctx, actor, region.id, ids[name]!);
  const nda = await createGroup(ctx, actor, { name: 'NDA signatories', description: 'Members who signed the sharing agreement', ownerOrgId: ids['State Fusion Centre']! });
  for (const name of ['Springfield', 'Capital County', 'State Fusion Centre']) await addGroupMember(ctx, actor, nda.id, ids[name]!);
}
