// `tocsin export NAME`: write an export to stdout (or --output FILE) exactly as its devices get
// it, read as its organisation. Name it by id, or by name (with --org when two organisations
// use the same name). The fetch is recorded like any other, as the console's.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { cliActor } from '../orgs/actor.js';
import { recordExportFetch, renderExport, resolveExport } from '../exports/exports.service.js';
import { withContext, type CliIO } from './context.js';
import { resolveOrg } from './resolve.js';

type GetConfig = () => Config;

export function registerExportCommands(program: Command, io: CliIO, getConfig: GetConfig): void {
  program
    .command('export <name>')
    .description("write an export (a firewall list, IDS rules, RPZ zone, SIEM file…) as its organisation's devices get it")
    .option('--org <org>', 'the organisation whose export it is (id or name), when the name is not unique')
    .option('--since <time>', 'only values first stored at or after this time (ISO 8601)')
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (name: string, opts: { org?: string; since?: string; output?: string }) => {
      await withContext(getConfig(), async (ctx) => {
        const orgId = opts.org ? await resolveOrg(ctx, opts.org) : null;
        const row = await resolveExport(ctx, name, orgId);
        const rendered = await renderExport(ctx, row, { since: opts.since });
        if (opts.output) {
          const file = createWriteStream(opts.output);
          for await (const text of rendered.body) if (!file.write(text)) await once(file, 'drain');
          file.end();
          await once(file, 'finish');
        } else {
          // In chunks of about 64 KiB: many small writes are slow on a pipe.
          let chunk = '';
          for await (const text of rendered.body) {
            chunk += text;
            if (chunk.length >= 65_536) {
              io.out(chunk);
              chunk = '';
            }
          }
          if (chunk) io.out(chunk);
        }
        await recordExportFetch(ctx, row, { tokenId: null, actor: cliActor(), ip: null }, { status: 200, values: rendered.counts.values, skipped: rendered.counts.skipped, since: opts.since });
        io.err(`${rendered.counts.values} values written${rendered.counts.skipped ? `, ${rendered.counts.skipped} skipped (not expressible in ${row.format})` : ''}.`);
      });
    });
}
