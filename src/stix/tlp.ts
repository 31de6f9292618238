// TLP 2.0 levels and their official STIX 2.1 marking-definition objects (from the TLP 2.0
// extension in oasis-open/cti-stix-common-objects), plus reading TLP 1.0 and free-form labels.

export const tlpLevels = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type Tlp = (typeof tlpLevels)[number];

export const tlp2ExtensionId = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The official TLP 2.0 extension definition (FIRST's, as published in cti-stix-common-objects). */
export const tlp2ExtensionDefinition = Object.freeze({
  type: 'extension-definition',
  spec_version: '2.1',
  id: tlp2ExtensionId,
  created: '2022-10-01T00:00:00.000Z',
  modified: '2022-10-01T00:00:00.000Z',
  created_by_ref: 'identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01',
  name: 'TLP 2.0',
  description: 'This defines TLP 2.0 as a STIX extension',
  schema: 'https://github.com/oasis-open/cti-stix-common-objects/tree/master/extension-definition-specifications/tlp-2.0',
  version: '1.0.0',
  extension_types: Object.freeze(['property-extension'] as const),
});

export type TlpMarkingDefinition = {
  readonly type: 'marking-definition';
  readonly spec_version: '2.1';
  readonly id: string;
  readonly created: string;
  readonly name: string;
  readonly extensions: {
    readonly [tlp2ExtensionId]: { readonly extension_type: 'property-extension'; readonly tlp_2_0: Tlp };
  };
};

const tlp2Ids: Readonly<Record<Tlp, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** TLP 1.0 marking ids, recognised on input only (WHITE is CLEAR; 1.0 had no AMBER+STRICT). */
export const tlp1MarkingIds: Readonly<Record<'white' | 'green' | 'amber' | 'red', string>> = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

function definitionFor(tlp: Tlp): TlpMarkingDefinition {
  const md: TlpMarkingDefinition = {
    type: 'marking-definition',
    spec_version: '2.1',
    id: tlp2Ids[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: { [tlp2ExtensionId]: Object.freeze({ extension_type: 'property-extension', tlp_2_0: tlp }) },
  };
  Object.freeze(md.extensions);
  return Object.freeze(md);
}

/** The five official TLP 2.0 marking definitions, frozen: emit them exactly as they are. */
export const tlpMarkingDefinitions: Readonly<Record<Tlp, TlpMarkingDefinition>> = Object.freeze({
  clear: definitionFor('clear'),
  green: definitionFor('green'),
  amber: definitionFor('amber'),
  'amber+strict': definitionFor('amber+strict'),
  red: definitionFor('red'),
});

const byMarkingId: ReadonlyMap<string, Tlp> = new Map<string, Tlp>([
  ...tlpLevels.map((t) => [tlp2Ids[t], t] as const),
  [tlp1MarkingIds.white, 'clear'],
  [tlp1MarkingIds.green, 'green'],
  [tlp1MarkingIds.amber, 'amber'],
  [tlp1MarkingIds.red, 'red'],
]);

export function isTlp(value: unknown): value is Tlp {
  return typeof value === 'string' && (tlpLevels as readonly string[]).includes(value);
}

export function markingIdFor(tlp: Tlp): string {
  return tlp2Ids[tlp];
}

export function markingDefinitionFor(tlp: Tlp): TlpMarkingDefinition {
  return tlpMarkingDefinitions[tlp];
}

/** The TLP of a TLP 2.0 or TLP 1.0 marking-definition id; null for any other marking. */
export function tlpFromMarkingRef(id: string): Tlp | null {
  return byMarkingId.get(id.trim().toLowerCase()) ?? null;
}

/**
 * A TLP from how people and tools write it: `TLP:AMBER+STRICT`, `tlp:white`, `amber`,
 * `TLP: Green`, MISP's `tlp:amber+strict`, `amber-strict`. Null when it is not a TLP.
 */
export function tlpFromLabel(label: string): Tlp | null {
  if (label.length > 40) return null;
  const t = label
    .trim()
    .toLowerCase()
    .replace(/^tlp\s*[:=-]?\s*/, '')
    .replace(/^"(.*)"$/, '$1')
    .replace(/\s*[+\s_-]\s*strict$/, '+strict');
  if (t === 'white') return 'clear';
  return isTlp(t) ? t : null;
}

/** clear 0, green 1, amber 2, amber+strict 3, red 4. */
export function tlpRank(tlp: Tlp): number {
  return tlpLevels.indexOf(tlp);
}

/** The more restrictive of two levels: what a combination of both must carry. */
export function mostRestrictive(a: Tlp, b: Tlp): Tlp {
  return tlpRank(a) >= tlpRank(b) ? a : b;
}
