// Rewrites the tables in docs/CONFIGURATION.md and docs/ERRORS.md from the option table and
// the error catalogue (run: npx tsx scripts/reference-docs.ts). src/docs.test.ts checks them.
import { readFileSync, writeFileSync } from 'node:fs';
import { optionSpecs, type OptionSpec } from '../src/config/options.js';
import { errorCatalogue } from '../src/errors.js';

function replaceTable(file: string, header: string, rows: string[]): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) throw new Error(`${file}: no table starting with ${header}`);
  let end = start + 2;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  lines.splice(start, end - start, header, lines[start + 1]!, ...rows);
  writeFileSync(file, lines.join('\n'));
}

const flag = (env: string) => `--${env.replace(/^TOCSIN_/, '').toLowerCase().replaceAll('_', '-')}`;
replaceTable(
  'docs/CONFIGURATION.md',
  '| Variable | Flag | Default | Secret | Meaning |',
  Object.values(optionSpecs as Record<string, OptionSpec>).map(
    (s) =>
      `| \`${s.env}\` | \`${flag(s.env)}\` | ${s.default !== undefined ? `\`${s.default}\`` : '—'} | ${s.secret ? `yes (also \`${s.env}_FILE\`)` : 'no'} | ${s.description}${s.values ? ` One of: ${s.values.join(', ')}.` : ''} |`,
  ),
);
replaceTable(
  'docs/ERRORS.md',
  '| Code | HTTP | Message |',
  Object.entries(errorCatalogue).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.message.replaceAll('|', '\\|')} |`),
);
