// `tocsin warning …`: report an attack from a script or a console, as a named user
// (`--as`), with the same rules and delivery as the web form and the API.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { AppError } from '../errors.js';
import { audienceKinds, type AudienceKind } from '../sharing/policy.js';
import { extractIndicators } from '../stix/extract.js';
import { severities, warningKinds, type Severity, type WarningKind } from '../stix/vocab.js';
import { createWarning, getWarning, listWarnings, retractWarning } from '../warnings/warnings.service.js';
import type { Warning } from '../warnings/warnings.view.js';
import { printResult, withContext, type CliIO } from './context.js';
import { actAs, resolveGroup, resolveOrg } from './resolve.js';

type GetConfig = () => Config;
const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function oneOf<T extends string>(what: string, allowed: readonly T[], value: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new AppError('VALIDATION_FAILED', { detail: `${what} "${value}" is not one of ${allowed.join(', ')}` });
  return value as T;
}

function readText(file: string | undefined, what: string): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', { detail: `cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
  }
}

function summary(w: Warning): string[][] {
  return [
    ['id', w.id],
    ['title', w.title],
    ['tlp', `TLP:${w.tlp.toUpperCase()}`],
    ['audience', [w.audience.kind, ...w.audience.groups.map((g) => g.name), ...w.audience.orgs.map((o) => o.name)].join(' ')],
    ['status', w.status],
    ['indicators', String(w.indicators.length)],
  ];
}

export function registerWarningCommands(program: Command, io: CliIO, getConfig: GetConfig): void {
  const run = <T>(fn: Parameters<typeof withContext<T>>[1]) => withContext(getConfig(), fn);
  const warning = program.command('warning').description('report an attack, and read or retract warnings');

  warning
    .command('send')
    .description('send a warning; indicators are extracted from --indicators-file (defanged forms are fine)')
    .requiredOption('--as <user>', 'email or id of the reporting user (an analyst or admin)')
    .requiredOption('--title <title>')
    .requiredOption('--kind <kind>', warningKinds.join(', '))
    .requiredOption('--severity <severity>', severities.join(', '))
    .requiredOption('--tlp <tlp>', 'clear, green, amber, amber+strict or red')
    .option('--audience <kind>', audienceKinds.join(', '), 'members')
    .option('--group <group>', 'sharing group id or name (repeat or comma-separate)', list)
    .option('--org <org>', 'recipient organisation id or name (repeat or comma-separate)', list)
    .option('--details <text>', 'what happened')
    .option('--details-file <file>', 'read the details from a file ("-" for stdin)')
    .option('--indicators-file <file>', 'free text to extract indicators from ("-" for stdin)')
    .option('--started-at <time>', 'when it started (ISO 8601)')
    .option('--service <name>', 'affected service (repeat or comma-separate)', list)
    .option('--anonymous', 'recipients see "a member city in Region 3" instead of your organisation')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const details = o.details ?? readText(o.detailsFile, 'details') ?? '';
      const pasted = readText(o.indicatorsFile, 'indicators') ?? '';
      const result = await run(async (ctx) => {
        const actor = await actAs(ctx, o.as);
        const audienceKind = oneOf<AudienceKind>('audience', audienceKinds, o.group ? 'groups' : o.org ? 'orgs' : o.audience);
        return createWarning(ctx, actor, {
          title: o.title,
          kind: oneOf<WarningKind>('kind', warningKinds, o.kind),
          severity: oneOf<Severity>('severity', severities, o.severity),
          startedAt: o.startedAt ?? null,
          affectedServices: o.service ?? [],
          details,
          indicators: extractIndicators(pasted).map((i) => ({ type: i.type, value: i.value })),
          tlp: o.tlp,
          audience: {
            kind: audienceKind,
            groupIds: o.group ? await Promise.all((o.group as string[]).map((g) => resolveGroup(ctx, g))) : undefined,
            orgIds: o.org ? await Promise.all((o.org as string[]).map((g) => resolveOrg(ctx, g))) : undefined,
          },
          anonymous: Boolean(o.anonymous),
        });
      });
      printResult(io, o.json, result, () => [[`Sent warning ${result.id} (TLP:${result.tlp.toUpperCase()}, ${result.indicators.length} indicators)`]]);
    });

  warning
    .command('list')
    .description('warnings a user may see, newest first')
    .requiredOption('--as <user>', 'email or id of the reading user')
    .option('--status <status>', 'active or retracted')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const page = await run(async (ctx) =>
        listWarnings(ctx, await actAs(ctx, o.as), { status: o.status ? oneOf('status', ['active', 'retracted'] as const, o.status) : undefined, limit: Number(o.limit) || 50 }),
      );
      printResult(io, o.json, page, () => [
        ['ID', 'CREATED', 'TLP', 'SEVERITY', 'STATUS', 'SOURCE', 'TITLE'],
        ...page.items.map((w) => [w.id, w.createdAt, w.tlp.toUpperCase(), w.severity, w.status, w.source.label, w.title]),
      ]);
    });

  warning
    .command('show <id>')
    .description('one warning')
    .requiredOption('--as <user>', 'email or id of the reading user')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const w = await run(async (ctx) => getWarning(ctx, await actAs(ctx, o.as), id));
      printResult(io, o.json, w, () => [...summary(w), ['details', w.details], ...w.indicators.map((i) => [i.type, i.defanged])]);
    });

  warning
    .command('retract <id>')
    .description('retract your warning; everyone who received it is told')
    .requiredOption('--as <user>', 'email or id of a user of the sending organisation')
    .requiredOption('--reason <reason>', 'why, in a sentence')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const w = await run(async (ctx) => retractWarning(ctx, await actAs(ctx, o.as), id, o.reason));
      printResult(io, o.json, w, () => [[`Retracted ${w.id}`]]);
    });
}
