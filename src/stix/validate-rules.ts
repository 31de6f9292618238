// The rules of STIX 2.1 that tie properties of one object together: time order, "one of these
// is required", ranges, closed enums, patterns, TLP 1.0 markings, and the SHOULD-level
// vocabulary checks the OASIS validator warns about.
import { tlp1MarkingIds } from './tlp.js';
import { isStixId } from './ids.js';
import { parseCidr, parseIpv4, parseIpv6 } from './ip.js';
import { deterministicScoId } from './kinds.js';
import { validatePattern } from './pattern/index.js';
import { type Findings, isPlainObject, micros, own, show, checkRef, type JsonObject } from './validate-values.js';
import {
  groupingContextOv,
  identityClassOv,
  indicatorTypeOv,
  infrastructureTypeOv,
  malwareTypeOv,
  opinionEnum,
  patternTypeOv,
  reportTypeOv,
  threatActorTypeOv,
  toolTypeOv,
} from './vocab.js';

type Rule = (o: JsonObject, f: Findings) => void;

/** `later` must not be earlier than `earlier` (or, when strict, must be later). */
function order(earlier: string, later: string, strict = false): Rule {
  return (o, f) => {
    const a = micros(o, earlier);
    const b = micros(o, later);
    if (a === null || b === null) return;
    if (strict ? b <= a : b < a) f.error(strict ? `${later} must be later than ${earlier}` : `${later} must not be earlier than ${earlier}`);
  };
}

function range(key: string, min: number, max: number): Rule {
  return (o, f) => {
    const v = own(o, key);
    if (typeof v === 'number' && (v < min || v > max)) f.error(`${key} must be from ${min} to ${max}, not ${v}`);
  };
}

/** An open vocabulary: other values are allowed, but the validator warns. */
function vocabulary(key: string, words: readonly string[], name: string): Rule {
  return (o, f) => {
    const v = own(o, key);
    for (const word of Array.isArray(v) ? v : [v]) {
      if (typeof word === 'string' && !words.includes(word)) f.warn(`${key}: ${show(word)} is not in ${name}`);
    }
  };
}

function oneOf(keys: readonly string[], message: string): Rule {
  return (o, f) => {
    if (!keys.some((k) => own(o, k) !== undefined)) f.error(message);
  };
}

const seen = order('first_seen', 'last_seen');

const indicator: Rule = (o, f) => {
  if (typeof own(o, 'name') !== 'string') f.warn('an indicator should have a name');
  if (typeof own(o, 'description') !== 'string') f.warn('an indicator should have a description');
  const pattern = own(o, 'pattern');
  if (own(o, 'pattern_type') === 'stix' && typeof pattern === 'string') {
    const problem = validatePattern(pattern);
    if (problem !== null) f.error(`pattern is not a valid STIX pattern: ${problem}`);
  }
};

const location: Rule = (o, f) => {
  const lat = own(o, 'latitude');
  const lon = own(o, 'longitude');
  if ((lat === undefined) !== (lon === undefined)) f.error('latitude and longitude must be given together');
  if (own(o, 'region') === undefined && own(o, 'country') === undefined && (lat === undefined || lon === undefined)) {
    f.error('a location needs a region, a country, or a latitude and longitude');
  }
  if (own(o, 'precision') !== undefined && (lat === undefined || lon === undefined)) f.error('precision needs latitude and longitude');
  if (typeof own(o, 'precision') === 'number' && (own(o, 'precision') as number) < 0) f.error('precision must not be negative');
};

const observedData: Rule = (o, f) => {
  const hasObjects = own(o, 'objects') !== undefined;
  const hasRefs = own(o, 'object_refs') !== undefined;
  if (hasObjects && hasRefs) f.error('object_refs and the deprecated objects must not both be present');
  else if (!hasObjects && !hasRefs) f.error('object_refs is required');
  else if (hasObjects) f.warn('objects is deprecated in STIX 2.1: use object_refs');
};

const markingDefinition: Rule = (o, f) => {
  const kind = own(o, 'definition_type');
  const definition = own(o, 'definition');
  if ((kind === undefined) !== (definition === undefined)) f.error('definition_type and definition must be given together');
  if (kind === undefined && definition === undefined && own(o, 'extensions') === undefined) f.error('a marking definition needs definition_type and definition, or extensions');
  for (const [i, ref] of (Array.isArray(own(o, 'object_marking_refs')) ? (own(o, 'object_marking_refs') as unknown[]) : []).entries()) {
    if (ref === own(o, 'id')) f.error(`object_marking_refs[${i}] must not refer to the marking definition itself`);
  }
  if (kind === 'statement' && !(isPlainObject(definition) && typeof own(definition, 'statement') === 'string')) {
    f.error('a statement marking needs definition.statement (a string)');
  }
  const tlp1 = Object.entries(tlp1MarkingIds).find(([, id]) => id === own(o, 'id'))?.[0];
  if (kind === 'tlp') {
    const level = isPlainObject(definition) ? own(definition, 'tlp') : undefined;
    if (typeof level !== 'string' || !Object.hasOwn(tlp1MarkingIds, level)) f.error('definition.tlp must be white, green, amber or red');
    else if (tlp1 !== level) f.error(`a TLP 1.0 marking for ${level} must have the id ${tlp1MarkingIds[level as keyof typeof tlp1MarkingIds]}`);
  } else if (tlp1) {
    f.warn(`this id is the TLP 1.0 ${tlp1.toUpperCase()} marking, but the object is not its official definition`);
  }
};

const extensionDefinition: Rule = (o, f) => {
  const types = own(o, 'extension_types');
  const allowed = ['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension'];
  if (Array.isArray(types)) {
    for (const t of types) if (!allowed.includes(t as string)) f.error(`extension_types: ${show(t)} must be one of ${allowed.join(', ')}`);
    if (own(o, 'extension_properties') !== undefined && !types.includes('toplevel-property-extension')) {
      f.error('extension_properties is only allowed for a toplevel-property-extension');
    }
  }
};

const relationship: Rule = (o, f) => {
  const t = own(o, 'relationship_type');
  if (typeof t === 'string' && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(t)) f.error(`relationship_type must be lower-case ASCII words joined by hyphens, not ${show(t)}`);
};

const malware: Rule = (o, f) => {
  if (own(o, 'is_family') === true && own(o, 'name') === undefined) f.error('name is required when is_family is true');
};

// ---- cyber-observables

const ipValue =
  (v6: boolean): Rule =>
  (o, f) => {
    const v = own(o, 'value');
    if (typeof v !== 'string') return;
    const net = v.includes('/') ? parseCidr(v) : null;
    const ok = net ? (net.version === 6) === v6 : v6 ? parseIpv6(v) !== null : parseIpv4(v) !== null;
    if (!ok) f.error(`value must be an IPv${v6 ? 6 : 4} address or CIDR range, not ${show(v)}`);
  };

const macValue: Rule = (o, f) => {
  const v = own(o, 'value');
  if (typeof v === 'string' && !/^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(v)) f.error(`value must be a lower-case, colon-separated MAC-48 address, not ${show(v)}`);
};

const emailMessage: Rule = (o, f) => {
  const multipart = own(o, 'is_multipart');
  if (multipart === true && own(o, 'body') !== undefined) f.error('body must not be present when is_multipart is true (use body_multipart)');
  if (multipart === false && own(o, 'body_multipart') !== undefined) f.error('body_multipart must not be present when is_multipart is false');
  const parts = own(o, 'body_multipart');
  if (!Array.isArray(parts)) return;
  parts.forEach((part, i) => {
    if (!isPlainObject(part)) return;
    const body = own(part, 'body');
    const raw = own(part, 'body_raw_ref');
    if ((body === undefined) === (raw === undefined)) f.error(`body_multipart[${i}] must have exactly one of body and body_raw_ref`);
    if (body !== undefined && typeof body !== 'string') f.error(`body_multipart[${i}].body must be a string`);
    if (raw !== undefined) checkRef(raw, `body_multipart[${i}].body_raw_ref`, f, ['artifact', 'file']);
  });
};

const networkTraffic: Rule = (o, f) => {
  if (own(o, 'src_ref') === undefined && own(o, 'dst_ref') === undefined) f.error('network traffic needs src_ref or dst_ref');
  if (own(o, 'is_active') === true && own(o, 'end') !== undefined) f.error('end must not be present when is_active is true');
  for (const k of ['src_port', 'dst_port']) range(k, 0, 65535)(o, f);
  for (const k of ['src_byte_count', 'dst_byte_count', 'src_packets', 'dst_packets']) range(k, 0, Number.MAX_SAFE_INTEGER)(o, f);
};

const artifact: Rule = (o, f) => {
  const payload = own(o, 'payload_bin') !== undefined;
  const url = own(o, 'url') !== undefined;
  if (payload && url) f.error('payload_bin and url must not both be present');
  if (url && own(o, 'hashes') === undefined) f.error('hashes is required when url is present');
};

/** An SCO whose id is not the UUIDv5 of its contributing properties still works; other tools will not merge it. */
const deterministicId: Rule = (o, f) => {
  const expected = deterministicScoId(o);
  const id = own(o, 'id');
  if (expected && typeof id === 'string' && id.toLowerCase() !== expected) f.warn(`id should be the deterministic ${expected} (UUIDv5 of the ID-contributing properties)`);
};

const rules: ReadonlyMap<string, readonly Rule[]> = new Map<string, readonly Rule[]>([
  ['indicator', [order('valid_from', 'valid_until', true), indicator, vocabulary('indicator_types', indicatorTypeOv, 'indicator-type-ov'), vocabulary('pattern_type', patternTypeOv, 'pattern-type-ov')]],
  ['campaign', [seen]],
  ['intrusion-set', [seen]],
  ['threat-actor', [seen, vocabulary('threat_actor_types', threatActorTypeOv, 'threat-actor-type-ov')]],
  ['infrastructure', [seen, vocabulary('infrastructure_types', infrastructureTypeOv, 'infrastructure-type-ov')]],
  ['malware', [seen, malware, vocabulary('malware_types', malwareTypeOv, 'malware-type-ov')]],
  ['malware-analysis', [oneOf(['result', 'analysis_sco_refs'], 'a malware analysis needs result or analysis_sco_refs')]],
  ['tool', [vocabulary('tool_types', toolTypeOv, 'tool-type-ov')]],
  ['identity', [vocabulary('identity_class', identityClassOv, 'identity-class-ov')]],
  ['report', [vocabulary('report_types', reportTypeOv, 'report-type-ov')]],
  ['grouping', [vocabulary('context', groupingContextOv, 'grouping-context-ov')]],
  ['location', [location, range('latitude', -90, 90), range('longitude', -180, 180)]],
  ['observed-data', [order('first_observed', 'last_observed'), range('number_observed', 1, 999_999_999), observedData]],
  [
    'opinion',
    [
      (o, f) => {
        const v = own(o, 'opinion');
        if (typeof v === 'string' && !(opinionEnum as readonly string[]).includes(v)) f.error(`opinion must be one of ${opinionEnum.join(', ')}, not ${show(v)}`);
      },
    ],
  ],
  // The spec says stop_time MUST be later; OpenCTI writes equal times for point-in-time
  // relationships and the OASIS validator accepts them, so equal is allowed (later-than-or-equal).
  ['relationship', [order('start_time', 'stop_time'), relationship]],
  ['sighting', [seen, range('count', 0, 999_999_999)]],
  ['marking-definition', [markingDefinition]],
  ['extension-definition', [extensionDefinition]],
  ['ipv4-addr', [ipValue(false), deterministicId]],
  ['ipv6-addr', [ipValue(true), deterministicId]],
  ['mac-addr', [macValue, deterministicId]],
  ['email-message', [emailMessage, deterministicId]],
  ['network-traffic', [order('start', 'end'), networkTraffic, deterministicId]],
  ['file', [oneOf(['hashes', 'name'], 'a file needs hashes or name'), range('size', 0, Number.MAX_SAFE_INTEGER), deterministicId]],
  ['artifact', [artifact, deterministicId]],
  ['autonomous-system', [range('number', 0, Number.MAX_SAFE_INTEGER), deterministicId]],
]);

const defaultScoRules: readonly Rule[] = [deterministicId];

/** Run the cross-property rules of the object's type. */
export function checkTypeRules(type: string, object: JsonObject, f: Findings, sco: boolean): void {
  for (const rule of rules.get(type) ?? (sco ? defaultScoRules : [])) rule(object, f);
}

/** SDOs, SROs and meta objects SHOULD use UUIDv4; SCOs UUIDv5 (checked against their properties). */
export function checkIdVersion(id: string, sco: boolean, f: Findings): void {
  if (!sco && isStixId(id) && id.charAt(id.lastIndexOf('--') + 2 + 14) !== '4') f.warn('the id of a domain, relationship or meta object should use a UUIDv4');
}
