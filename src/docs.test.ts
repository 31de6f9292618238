// The reference docs list every config option and every error code: a new one without
// documentation fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionSpecs } from './config/options.js';
import { errorCatalogue } from './errors.js';

describe('reference documentation', () => {
  it('docs/CONFIGURATION.md documents every option with its default and secret flag', () => {
    const doc = readFileSync(new URL('../docs/CONFIGURATION.md', import.meta.url), 'utf8');
    for (const spec of Object.values(optionSpecs)) {
      const line = doc.split('\n').find((l) => l.startsWith(`| \`${spec.env}\``));
      expect(line, spec.env).toBeDefined();
      if ('default' in spec) expect(line).toContain(`\`${spec.default}\``);
      expect(line).toContain('secret' in spec && spec.secret ? 'yes' : 'no');
    }
  });

  it('docs/ERRORS.md lists every error code with its HTTP status', () => {
    const doc = readFileSync(new URL('../docs/ERRORS.md', import.meta.url), 'utf8');
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(doc, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${entry.status} \\|`));
    }
  });
});
