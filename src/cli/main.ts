// The `tocsin` command: `tocsin serve` runs the hub; every other verb administers it.
// Every verb is non-interactive and takes --json, so deployments and tests can script it.
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, describeConfig, flagName, loadConfig, readProcessEnv, type Config } from '../config/config.js';
import { optionSpecs, type OptionKey } from '../config/options.js';
import { AppError } from '../errors.js';
import { StartupError, installShutdown, startServer } from '../server.js';
import { StoreUnavailableError } from '../store/database.js';
import { processIO, printResult, type CliIO } from './context.js';
import { registerGroupCommands } from './groups.commands.js';
import { registerMemberCommands } from './members.commands.js';
import { registerPeerCommands } from './peers.commands.js';
import { registerFeedCommands } from './feeds.commands.js';
import { registerExportCommands } from './exports.commands.js';
import { registerWarningCommands } from './warnings.commands.js';
import { registerStixCommands } from './stix.commands.js';
import { registerReportCommands } from './reports.commands.js';

/** Build the command tree. `getConfig` reads the global flags once the command line is parsed. */
export function buildCli(io: CliIO, env: Record<string, string | undefined> = readProcessEnv()): Command {
  const program = new Command('tocsin')
    .description('Tocsin: threat-intelligence sharing hub for local government')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();

  for (const key of Object.keys(optionSpecs) as OptionKey[]) {
    const spec = optionSpecs[key];
    program.addOption(new Option(`--${flagName(key)} <value>`, `${spec.description} [${spec.env}]`).hideHelp(key !== 'port' && key !== 'host' && key !== 'dataDir' && key !== 'databaseUrl'));
  }

  const getConfig = (): Config => {
    const opts = program.opts<Record<string, string | undefined>>();
    const flags: Partial<Record<OptionKey, string>> = {};
    for (const key of Object.keys(optionSpecs) as OptionKey[]) {
      const v = opts[camel(flagName(key))];
      if (v !== undefined) flags[key] = v;
    }
    return loadConfig(env, flags);
  };

  program
    .command('serve')
    .description('run the hub (creates the first operator account on first start)')
    .option('--demo', 'seed demo towns, groups and users when the hub is empty')
    .action(async (opts: { demo?: boolean }) => {
      const config = getConfig();
      const { seedDemo } = await import('./demo.js');
      const server = await startServer(config, {
        onFirstOperator: (email, password) =>
          io.out(
            [
              '',
              '  First start: the operator account was created.',
              `    email:    ${email}`,
              `    password: ${password}`,
              '  This password is shown once. Sign in and change it under Account.',
              '',
            ].join('\n'),
          ),
        demo: opts.demo ? async (app) => seedDemo(app.ctx, io) : undefined,
      });
      installShutdown(server);
      io.out(`Tocsin is ready at ${config.publicUrl} (listening on ${server.url}, ${server.app.ctx.dialect})`);
      // Keep running until a signal arrives.
      await new Promise(() => {});
    });

  program
    .command('config')
    .description('print the effective configuration (secrets redacted)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = describeConfig(getConfig());
      printResult(io, Boolean(opts.json), Object.fromEntries(rows.map((r) => [r.key, r.value])), () => [
        ['OPTION', 'ENV', 'VALUE'],
        ...rows.map((r) => [r.key, r.env, r.value]),
      ]);
    });

  program
    .command('migrate')
    .description('apply database migrations and exit (serve also does this)')
    .action(async () => {
      const { withContext } = await import('./context.js');
      await withContext(getConfig(), async (ctx) => io.out(`Database is up to date (${ctx.dialect}).`));
    });

  registerMemberCommands(program, io, getConfig);
  registerGroupCommands(program, io, getConfig);
  registerWarningCommands(program, io, getConfig);
  registerPeerCommands(program, io, getConfig);
  registerFeedCommands(program, io, getConfig);
  registerExportCommands(program, io, getConfig);
  registerStixCommands(program, io, getConfig);
  registerReportCommands(program, io, getConfig);
  return program;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Run the CLI; resolves to the exit code. Errors become one clear line on stderr. */
export async function runCli(argv: string[], io: CliIO = processIO, env: Record<string, string | undefined> = readProcessEnv()): Promise<number> {
  const program = buildCli(io, env);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    if (err instanceof AppError) {
      io.err(`error ${err.code}: ${err.message}`);
      return 1;
    }
    if (err instanceof StartupError || err instanceof StoreUnavailableError) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    io.err(`error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
