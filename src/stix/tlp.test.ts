import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  isTlp,
  markingDefinitionFor,
  markingIdFor,
  mostRestrictive,
  tlp1MarkingIds,
  tlp2ExtensionId,
  tlpFromLabel,
  tlpFromMarkingRef,
  tlpLevels,
  tlpMarkingDefinitions,
  tlpRank,
  type Tlp,
} from './tlp.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tlpDir = path.join(path.resolve(repoRoot, '../shared/data'), 'stix/tlp2.0');
const haveOfficial = existsSync(tlpDir);
if (!haveOfficial) console.warn(`\n!! ${tlpDir} is absent: SKIPPING the comparison with the official TLP 2.0 marking definitions.\n`);

const ids: Record<Tlp, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

describe('TLP 2.0 marking definitions', () => {
  it('lists the five levels from least to most restrictive', () => {
    expect(tlpLevels).toEqual(['clear', 'green', 'amber', 'amber+strict', 'red']);
    expect(tlpLevels.map(tlpRank)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each(tlpLevels)('%s has the official id, name, created and extension', (tlp) => {
    expect(markingIdFor(tlp)).toBe(ids[tlp]);
    expect(markingDefinitionFor(tlp)).toEqual({
      type: 'marking-definition',
      spec_version: '2.1',
      id: ids[tlp],
      created: '2022-10-01T00:00:00.000Z',
      name: `TLP:${tlp.toUpperCase()}`,
      extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: tlp } },
    });
    expect(tlpMarkingDefinitions[tlp].name).toMatch(/^TLP:(CLEAR|GREEN|AMBER|AMBER\+STRICT|RED)$/);
  });

  it('cannot be changed by a caller', () => {
    const md = markingDefinitionFor('red') as unknown as { name: string; extensions: Record<string, { tlp_2_0: string }> };
    expect(() => {
      md.name = 'TLP:CLEAR';
    }).toThrow(TypeError);
    expect(() => {
      md.extensions[tlp2ExtensionId]!.tlp_2_0 = 'clear';
    }).toThrow(TypeError);
    expect(markingDefinitionFor('red').name).toBe('TLP:RED');
  });

  it.skipIf(!haveOfficial)('equals the official objects from cti-stix-common-objects, byte for byte once parsed', () => {
    const files = readdirSync(tlpDir).filter((f) => f.startsWith('marking-definition--'));
    expect(files).toHaveLength(5);
    for (const file of files) {
      const official = (JSON.parse(readFileSync(path.join(tlpDir, file), 'utf8')) as { objects: Array<{ id: string; extensions: Record<string, { tlp_2_0: string }> }> }).objects[0]!;
      const tlp = official.extensions[tlp2ExtensionId]!.tlp_2_0 as Tlp;
      expect(markingDefinitionFor(tlp)).toEqual(official);
    }
  });
});

describe('reading TLP from marking refs and labels', () => {
  it('recognises TLP 2.0 and TLP 1.0 marking ids (WHITE is CLEAR)', () => {
    for (const tlp of tlpLevels) expect(tlpFromMarkingRef(ids[tlp])).toBe(tlp);
    expect(tlpFromMarkingRef(tlp1MarkingIds.white)).toBe('clear');
    expect(tlpFromMarkingRef('marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da')).toBe('green');
    expect(tlpFromMarkingRef('marking-definition--f88d31f6-486f-44da-b317-01333bde0b82')).toBe('amber');
    expect(tlpFromMarkingRef('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed')).toBe('red');
    expect(tlpFromMarkingRef(' MARKING-DEFINITION--E828B379-4E03-4974-9AC4-E53A884C97C1 ')).toBe('red');
  });

  it('answers null for other markings', () => {
    expect(tlpFromMarkingRef('marking-definition--0c2a7f6e-4c3b-4a8e-9f5e-000000000000')).toBeNull();
    expect(tlpFromMarkingRef('identity--94868c89-83c2-464b-929b-a1a8aa3c8487')).toBeNull();
    expect(tlpFromMarkingRef('')).toBeNull();
  });

  it.each([
    ['TLP:AMBER+STRICT', 'amber+strict'],
    ['tlp:amber+strict', 'amber+strict'],
    ['TLP:AMBER-STRICT', 'amber+strict'],
    ['amber strict', 'amber+strict'],
    ['tlp:white', 'clear'],
    ['TLP:WHITE', 'clear'],
    ['TLP:CLEAR', 'clear'],
    ['amber', 'amber'],
    ['TLP: Green', 'green'],
    ['tlp:"red"', 'red'],
    ['  RED  ', 'red'],
  ] as const)('%s → %s', (label, tlp) => {
    expect(tlpFromLabel(label)).toBe(tlp);
  });

  it.each(['', 'tlp:', 'tlp:ultraviolet', 'amber+', 'strict', 'PAP:AMBER', 'x'.repeat(100)])('%j is not a TLP', (label) => {
    expect(tlpFromLabel(label)).toBeNull();
  });

  it('isTlp accepts only the five levels', () => {
    expect(tlpLevels.every(isTlp)).toBe(true);
    expect(isTlp('white')).toBe(false);
    expect(isTlp('AMBER')).toBe(false);
    expect(isTlp(3)).toBe(false);
  });
});

describe('mostRestrictive', () => {
  it('picks the higher rank, in either order', () => {
    expect(mostRestrictive('clear', 'green')).toBe('green');
    expect(mostRestrictive('amber+strict', 'amber')).toBe('amber+strict');
    expect(mostRestrictive('red', 'clear')).toBe('red');
    expect(mostRestrictive('amber', 'amber')).toBe('amber');
    for (const a of tlpLevels) {
      for (const b of tlpLevels) {
        const m = mostRestrictive(a, b);
        expect(m).toBe(mostRestrictive(b, a));
        expect(tlpRank(m)).toBe(Math.max(tlpRank(a), tlpRank(b)));
      }
    }
  });
});
