// The STIX 2.1 bundle of a "report an attack" warning: the producer's identity (or an
// anonymous one), the TLP marking, one indicator per observable, a vulnerability per CVE,
// and the report tying them together with Tocsin's warning properties in an extension.
import { createHash } from 'node:crypto';
import { InvalidStixInputError } from './errors.js';
import { defang } from './extract.js';
import { isStixId, newStixId, stixTimestamp } from './ids.js';
import { indicatorTypeLabels, isIndicatorType, normaliseObservable, patternFor, type IndicatorType } from './observables.js';
import { isTlp, markingDefinitionFor, markingIdFor, type Tlp } from './tlp.js';
import type { StixBundle, StixExtensionDefinition, StixIdentity, StixIndicator, StixObject, StixReport, StixVulnerability } from './types.js';
import { isSeverity, isWarningKind, warningKindLabels, type ReportTypeOv, type Severity, type WarningKind } from './vocab.js';

const softwareEpoch = '2026-01-01T00:00:00.000Z';

/** The Tocsin software as a STIX identity: the creator of Tocsin's extension definition. */
export const tocsinIdentity: StixIdentity = Object.freeze<StixIdentity>({
  type: 'identity',
  spec_version: '2.1',
  id: 'identity--39c50152-83f3-4d51-860d-a1cc8bb872ee',
  created: softwareEpoch,
  modified: softwareEpoch,
  name: 'Tocsin',
  description: 'Tocsin, the self-hosted threat-intelligence sharing hub for local government.',
  identity_class: 'system',
});

export const warningExtensionId = 'extension-definition--d01442dd-feb5-473c-af7a-da7aa3ff0b3b';

/** The properties a Tocsin warning adds to a report, described as JSON Schema. */
const warningExtensionSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    extension_type: { const: 'property-extension' },
    kind: { type: 'string', description: 'phishing, ransomware, credential-leak, ddos, vulnerability-exploitation, account-compromise, fraud-bec or other' },
    severity: { enum: ['low', 'medium', 'high', 'critical'] },
    affected_services: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'what the attack hit, in the producer’s words' },
    started_at: { type: 'string', description: 'STIX timestamp: when the attack started, as far as the producer knows' },
  },
  required: ['extension_type', 'kind', 'severity'],
};

export const warningExtensionDefinition: StixExtensionDefinition = Object.freeze<StixExtensionDefinition>({
  type: 'extension-definition',
  spec_version: '2.1',
  id: warningExtensionId,
  created: softwareEpoch,
  modified: softwareEpoch,
  created_by_ref: tocsinIdentity.id,
  name: 'Tocsin warning',
  description: 'What a member reported through a Tocsin hub: the kind of attack, its severity, the services it affected and when it started. Applies to report objects.',
  schema: JSON.stringify(warningExtensionSchema),
  version: '1.0.0',
  extension_types: ['property-extension'],
});

// Anonymous identities are derived from their public label in this namespace (UUIDv5), so
// every warning shared as "A member city in Region 3" has the same producer, and nothing in
// the id depends on the organisation behind it.
const anonymousNamespace = '44abb9e2-e349-46bd-89fd-ba2779698a62';

function cleanLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ');
}

/**
 * The stable identity id for an anonymous producer shown as `label`. STIX wants UUIDv4 for
 * SDOs (the validator warns otherwise), so this is a v4-shaped UUID whose "random" bits are
 * a hash of the label: the same label always gives the same identity, with no table to keep.
 */
export function anonymousIdentityId(label: string): string {
  const clean = cleanLabel(label);
  if (!clean) throw new InvalidStixInputError('An anonymous producer needs a public label.', 'producer.name');
  const b = createHash('sha256').update(`${anonymousNamespace}\n${clean}`).digest();
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.subarray(0, 16).toString('hex');
  return `identity--${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface WarningIndicatorInput {
  type: IndicatorType;
  value: string;
}

export interface WarningProducer {
  /** the organisation's STIX identity id; ignored (and never emitted) when anonymous */
  identityId?: string;
  /** the organisation's name, or when anonymous the public label ("A member city in Region 3") */
  name: string;
  /** share without naming the organisation; also implied by an empty identityId */
  anonymous?: boolean;
  /** the identity's own created/modified; default: a fixed epoch and the warning's modified */
  created?: Date | string;
  modified?: Date | string;
}

export interface WarningBundleInput {
  /** keep the report id across versions; a new one when absent */
  reportId?: string;
  title: string;
  details: string;
  kind: WarningKind;
  severity: Severity;
  startedAt: Date | string;
  affectedServices: string[];
  tlp: Tlp;
  indicators: WarningIndicatorInput[];
  producer: WarningProducer;
  created: Date;
  modified: Date;
  /** `${type}|${normalised value}` → the STIX id it had before, so updates keep ids */
  indicatorIds?: Map<string, string>;
}

function bad(message: string, field: string): never {
  throw new InvalidStixInputError(message, field);
}

function reportTypesFor(kind: WarningKind, hasIndicators: boolean, hasVulnerabilities: boolean): ReportTypeOv[] {
  const types: ReportTypeOv[] = ['threat-report'];
  if (hasIndicators) types.push('indicator');
  if (hasVulnerabilities || kind === 'vulnerability-exploitation') types.push('vulnerability');
  if (kind === 'ransomware') types.push('malware');
  return types;
}

function producerIdentity(p: WarningProducer, modified: string): StixIdentity {
  const anonymous = p.anonymous === true || !p.identityId;
  const name = cleanLabel(p.name);
  if (!name) bad('The producer needs a name.', 'producer.name');
  if (anonymous) {
    // Fixed timestamps: the object depends on the label alone, so every copy is identical.
    return { type: 'identity', spec_version: '2.1', id: anonymousIdentityId(name), created: softwareEpoch, modified: softwareEpoch, name, identity_class: 'organization' };
  }
  const id = p.identityId ?? '';
  if (!isStixId(id, 'identity')) bad(`"${id.slice(0, 80)}" is not an identity id.`, 'producer.identityId');
  const created = stixTimestamp(p.created ?? softwareEpoch);
  const mod = stixTimestamp(p.modified ?? modified);
  return { type: 'identity', spec_version: '2.1', id, created, modified: mod < created ? created : mod, name, identity_class: 'organization' };
}

function idFor(ids: Map<string, string> | undefined, key: string, type: 'indicator' | 'vulnerability'): string {
  const known = ids?.get(key);
  if (known === undefined) return newStixId(type);
  if (!isStixId(known, type)) bad(`indicatorIds: "${known.slice(0, 80)}" for ${key.slice(0, 80)} is not a ${type} id.`, 'indicatorIds');
  return known;
}

/**
 * The warning as a STIX 2.1 bundle. Every object is created by the producer, carries the
 * warning's TLP marking and the warning's created/modified (so an object's `created` never
 * changes between versions). Custom data lives only in the Tocsin warning extension.
 * Throws InvalidStixInputError for an unknown kind, severity or TLP, a malformed id or
 * indicator, or modified before created.
 */
export function buildWarningBundle(input: WarningBundleInput): StixBundle {
  if (!isWarningKind(input.kind)) bad(`"${String(input.kind)}" is not a warning kind.`, 'kind');
  if (!isSeverity(input.severity)) bad(`"${String(input.severity)}" is not a severity.`, 'severity');
  if (!isTlp(input.tlp)) bad(`"${String(input.tlp)}" is not a TLP level.`, 'tlp');
  const title = input.title.trim();
  if (!title) bad('The warning needs a title.', 'title');
  if (input.reportId !== undefined && !isStixId(input.reportId, 'report')) bad(`"${input.reportId.slice(0, 80)}" is not a report id.`, 'reportId');
  const created = stixTimestamp(input.created);
  const modified = stixTimestamp(input.modified);
  if (modified < created) bad('modified is earlier than created.', 'modified');
  const startedAt = stixTimestamp(input.startedAt);

  const marking = markingDefinitionFor(input.tlp);
  const producer = producerIdentity(input.producer, modified);
  // A fresh object (and marking array) each time: callers may change one object, e.g. revoke it.
  const common = () => ({ spec_version: '2.1' as const, created, modified, created_by_ref: producer.id, object_marking_refs: [markingIdFor(input.tlp)] });
  const kindLabel = warningKindLabels[input.kind];

  const indicators: StixIndicator[] = [];
  const vulnerabilities: StixVulnerability[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of input.indicators.entries()) {
    if (!isIndicatorType(raw.type)) bad(`indicators[${i}]: "${String(raw.type)}" is not an indicator type.`, 'indicators');
    const value = normaliseObservable(raw.type, raw.value);
    if (value === null) bad(`indicators[${i}]: "${raw.value.slice(0, 100)}" is not a valid ${indicatorTypeLabels[raw.type]}.`, 'indicators');
    const key = `${raw.type}|${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (raw.type === 'cve') {
      vulnerabilities.push({
        type: 'vulnerability',
        ...common(),
        id: idFor(input.indicatorIds, key, 'vulnerability'),
        name: value,
        description: `${value}, reported as part of the warning "${title}".`,
        external_references: [{ source_name: 'cve', external_id: value }],
      });
      continue;
    }
    const typeLabel = indicatorTypeLabels[raw.type];
    indicators.push({
      type: 'indicator',
      ...common(),
      id: idFor(input.indicatorIds, key, 'indicator'),
      name: `${kindLabel} ${typeLabel} reported by a member`,
      description: `The ${typeLabel} ${defang(value)} was reported in the warning "${title}" (${kindLabel.toLowerCase()}, ${input.severity} severity).`,
      indicator_types: ['malicious-activity'],
      pattern: patternFor(raw.type, value),
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: startedAt,
    });
  }

  const services = [...new Set(input.affectedServices.map((s) => s.trim()).filter(Boolean))];
  const details = input.details.trim();
  const report: StixReport = {
    type: 'report',
    ...common(),
    id: input.reportId ?? newStixId('report'),
    name: title,
    ...(details ? { description: details } : {}),
    report_types: reportTypesFor(input.kind, indicators.length > 0, vulnerabilities.length > 0),
    published: created,
    object_refs: [...indicators.map((o) => o.id), ...vulnerabilities.map((o) => o.id), producer.id],
    labels: [input.kind],
    extensions: {
      [warningExtensionId]: {
        extension_type: 'property-extension',
        kind: input.kind,
        severity: input.severity,
        ...(services.length ? { affected_services: services } : {}),
        started_at: startedAt,
      },
    },
  };

  const objects: StixObject[] = [marking, tocsinIdentity, warningExtensionDefinition, producer, ...vulnerabilities, ...indicators, report];
  return { type: 'bundle', id: newStixId('bundle'), objects };
}
