// Every STIX pattern in the real bundles of ../shared/data/stix (MISP, OpenCTI and MITRE
// exports) is valid, and the simple ones compile into observables.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { observablesOf, validatePattern, type Observable } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const stixDir = path.join(path.resolve(repoRoot, '../shared/data'), 'stix');
const haveData = existsSync(stixDir);
if (!haveData) console.warn(`\n!! ${stixDir} is absent: SKIPPING the check of real STIX bundles' indicator patterns.\n`);

interface Indicator {
  id: string;
  pattern: string;
}

function indicators(): Indicator[] {
  return readdirSync(stixDir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const bundle = JSON.parse(readFileSync(path.join(stixDir, f), 'utf8')) as { objects?: Array<Record<string, unknown>> };
      return (bundle.objects ?? []).filter((o) => o.type === 'indicator' && (o.pattern_type ?? 'stix') === 'stix') as unknown as Indicator[];
    });
}

describe.skipIf(!haveData)('indicator patterns of the shared STIX bundles', () => {
  it('are all valid STIX 2.1 patterns', () => {
    const found = indicators();
    expect(found.length).toBeGreaterThanOrEqual(6);
    for (const indicator of found) expect(validatePattern(indicator.pattern), `${indicator.id}: ${indicator.pattern}`).toBeNull();
  });

  it('compile into the observables they name, and nothing for the compound ones', () => {
    const compiled = Object.fromEntries(indicators().map((i) => [i.pattern, observablesOf(i.pattern)])) as Record<string, Observable[]>;
    expect(compiled).toEqual({
      "[domain-name:value = 'circl.lu']": [{ type: 'domain', value: 'circl.lu' }],
      "[domain-name:value = 'circl.lu' AND domain-name:resolves_to_refs[*].value = '149.13.33.14']": [],
      "[file:name = 'test_file_name']": [],
      "[domain-name:value = 'www.xolod-teplo.ru']": [{ type: 'domain', value: 'www.xolod-teplo.ru' }],
      "[domain-name:value = 'www.one-clap.jp']": [{ type: 'domain', value: 'www.one-clap.jp' }],
      "[file:hashes.'SHA-256' = '2a0169c72c84e6d3fa49af701fd46ee7aaf1d1d9e107798d93a6ca8df5d25957']": [
        { type: 'sha256', value: '2a0169c72c84e6d3fa49af701fd46ee7aaf1d1d9e107798d93a6ca8df5d25957' },
      ],
    });
  });
});
