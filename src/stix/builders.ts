// Builders of the STIX 2.1 objects the hub produces beyond a warning's report bundle:
// indicators from observables, relationships, sightings, notes, opinions, observed-data, and
// (re-exported from sco-builders.ts) the cyber-observables. Each returns an object with a
// correct id and millisecond timestamps that the hub's validator accepts, or throws
// InvalidStixInputError saying which input is wrong.
import { bad, checked, commonProperties, compact, idList, idOf, integerIn, optionalText, requiredText, stringList, type CommonInput } from './build-common.js';
import { defang } from './extract.js';
import { stixTimestamp, stixTypeOf } from './ids.js';
import { isSco, isSdo, isSro } from './kinds.js';
import { indicatorTypeLabels, normaliseObservable, type IndicatorType } from './observables.js';
import { buildPattern } from './pattern/index.js';
import type { KillChainPhase, OpinionValue, StixIndicator, StixNote, StixObservedData, StixOpinion, StixRelationship, StixSighting } from './types.js';
import { indicatorTypeOv, opinionEnum, type IndicatorTypeOv } from './vocab.js';

export type { CommonInput } from './build-common.js';
export * from './sco-builders.js';

/** Types a relationship or sighting may not point at: other SROs and meta objects. */
const notDomain = ['relationship', 'sighting', 'marking-definition', 'extension-definition', 'language-content', 'bundle'];

export interface IndicatorInput extends CommonInput {
  /** what the indicator matches; several become one pattern joined by OR */
  observables: ReadonlyArray<{ type: IndicatorType; value: string }>;
  /** default: the observable in words, e.g. "URL hxxp://evil[.]example/" */
  name?: string;
  /** default: a sentence naming what is matched */
  description?: string;
  /** from indicator-type-ov; default ['malicious-activity'] */
  indicatorTypes?: readonly IndicatorTypeOv[];
  /** default: created */
  validFrom?: Date | string;
  validUntil?: Date | string;
  killChainPhases?: readonly KillChainPhase[];
}

function observableWords(observables: IndicatorInput['observables']): string[] {
  return observables.map((o) => {
    const value = normaliseObservable(o.type, o.value);
    return `${indicatorTypeLabels[o.type]} ${defang(value ?? o.value)}`;
  });
}

/**
 * An indicator whose pattern matches the observables. It always has a name and a description
 * (the OASIS validator warns without them); values in them are defanged for people.
 */
export function buildIndicator(input: IndicatorInput): StixIndicator {
  if (input.observables.length === 0) bad('An indicator needs at least one observable.', 'observables');
  const pattern = buildPattern(input.observables);
  const words = observableWords(input.observables);
  const common = commonProperties('indicator', input);
  const validFrom = input.validFrom === undefined ? common.created : stixTimestamp(input.validFrom);
  const validUntil = input.validUntil === undefined ? undefined : stixTimestamp(input.validUntil);
  if (validUntil !== undefined && validUntil <= validFrom) bad('validUntil must be later than validFrom.', 'validUntil');
  const types = [...new Set(input.indicatorTypes ?? ['malicious-activity'])];
  for (const t of types) if (!(indicatorTypeOv as readonly string[]).includes(t)) bad(`"${String(t).slice(0, 40)}" is not in indicator-type-ov.`, 'indicatorTypes');
  const name = optionalText(input.name) ?? (words.length === 1 ? words[0]! : `${words[0]!} and ${words.length - 1} more`);
  const description = optionalText(input.description) ?? `Matches ${words.length === 1 ? 'the' : 'any of these'} observable${words.length === 1 ? '' : 's'}: ${words.join(', ')}.`;
  return checked<StixIndicator>(
    compact({
      ...common,
      name: name.slice(0, 1000),
      description,
      indicator_types: types.length ? types : ['malicious-activity'],
      pattern,
      pattern_type: 'stix' as const,
      pattern_version: '2.1',
      valid_from: validFrom,
      valid_until: validUntil,
      kill_chain_phases: killChainPhases(input.killChainPhases),
    }),
  );
}

function killChainPhases(phases: readonly KillChainPhase[] | undefined): KillChainPhase[] | undefined {
  const list = (phases ?? []).map((p, i) => ({
    kill_chain_name: requiredText(p.kill_chain_name, `killChainPhases[${i}].kill_chain_name`),
    phase_name: requiredText(p.phase_name, `killChainPhases[${i}].phase_name`),
  }));
  return list.length ? list : undefined;
}

export interface RelationshipInput extends CommonInput {
  /** lower-case words joined by hyphens: indicates, uses, targets, related-to… */
  relationshipType: string;
  sourceRef: string;
  targetRef: string;
  description?: string;
  startTime?: Date | string;
  /** must be later than startTime */
  stopTime?: Date | string;
}

function domainRef(value: string, field: string): string {
  const id = idOf(value, field);
  if (notDomain.includes(stixTypeOf(id)!)) bad(`${field} must be a domain object or cyber-observable, not a ${stixTypeOf(id)}.`, field);
  return id;
}

export function buildRelationship(input: RelationshipInput): StixRelationship {
  const type = input.relationshipType.trim();
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(type)) bad(`"${type.slice(0, 40)}" is not a relationship type (lower-case words joined by hyphens).`, 'relationshipType');
  const start = input.startTime === undefined ? undefined : stixTimestamp(input.startTime);
  const stop = input.stopTime === undefined ? undefined : stixTimestamp(input.stopTime);
  if (start && stop && stop <= start) bad('stopTime must be later than startTime.', 'stopTime');
  return checked<StixRelationship>(
    compact({
      ...commonProperties('relationship', input),
      relationship_type: type,
      description: optionalText(input.description),
      source_ref: domainRef(input.sourceRef, 'sourceRef'),
      target_ref: domainRef(input.targetRef, 'targetRef'),
      start_time: start,
      stop_time: stop,
    }),
  );
}

export interface SightingInput extends CommonInput {
  /** what was seen: an indicator, malware, attack pattern… (a domain object) */
  sightingOfRef: string;
  observedDataRefs?: readonly string[];
  /** identities or locations that saw it */
  whereSightedRefs?: readonly string[];
  /** 0–999,999,999 */
  count?: number;
  firstSeen?: Date | string;
  lastSeen?: Date | string;
  summary?: boolean;
  description?: string;
}

export function buildSighting(input: SightingInput): StixSighting {
  const of = idOf(input.sightingOfRef, 'sightingOfRef');
  const ofType = stixTypeOf(of)!;
  if (isSco(ofType) || isSro(ofType) || notDomain.includes(ofType)) bad(`sightingOfRef must be a domain object, not a ${ofType}.`, 'sightingOfRef');
  const first = input.firstSeen === undefined ? undefined : stixTimestamp(input.firstSeen);
  const last = input.lastSeen === undefined ? undefined : stixTimestamp(input.lastSeen);
  if (first && last && last < first) bad('lastSeen must not be earlier than firstSeen.', 'lastSeen');
  return checked<StixSighting>(
    compact({
      ...commonProperties('sighting', input),
      description: optionalText(input.description),
      first_seen: first,
      last_seen: last,
      count: input.count === undefined ? undefined : integerIn(input.count, 'count', 0, 999_999_999),
      sighting_of_ref: of,
      observed_data_refs: idList(input.observedDataRefs, 'observedDataRefs', { types: ['observed-data'] }),
      where_sighted_refs: idList(input.whereSightedRefs, 'whereSightedRefs', { types: ['identity', 'location'] }),
      summary: input.summary,
    }),
  );
}

export interface NoteInput extends CommonInput {
  content: string;
  /** the objects the note is about */
  objectRefs: readonly string[];
  abstract?: string;
  authors?: readonly string[];
}

export function buildNote(input: NoteInput): StixNote {
  return checked<StixNote>(
    compact({
      ...commonProperties('note', input),
      abstract: optionalText(input.abstract),
      content: requiredText(input.content, 'content'),
      authors: stringList(input.authors),
      object_refs: idList(input.objectRefs, 'objectRefs', { required: true })!,
    }),
  );
}

export interface OpinionInput extends CommonInput {
  opinion: OpinionValue;
  objectRefs: readonly string[];
  explanation?: string;
  authors?: readonly string[];
}

export function buildOpinion(input: OpinionInput): StixOpinion {
  if (!(opinionEnum as readonly string[]).includes(input.opinion)) bad(`opinion must be one of ${opinionEnum.join(', ')}.`, 'opinion');
  return checked<StixOpinion>(
    compact({
      ...commonProperties('opinion', input),
      explanation: optionalText(input.explanation),
      authors: stringList(input.authors),
      opinion: input.opinion,
      object_refs: idList(input.objectRefs, 'objectRefs', { required: true })!,
    }),
  );
}

export interface ObservedDataInput extends CommonInput {
  /** the cyber-observables (or relationships between them) that were observed */
  objectRefs: readonly string[];
  firstObserved: Date | string;
  /** default: firstObserved */
  lastObserved?: Date | string;
  /** 1–999,999,999; default 1 */
  numberObserved?: number;
}

export function buildObservedData(input: ObservedDataInput): StixObservedData {
  const first = stixTimestamp(input.firstObserved);
  const last = input.lastObserved === undefined ? first : stixTimestamp(input.lastObserved);
  if (last < first) bad('lastObserved must not be earlier than firstObserved.', 'lastObserved');
  const refs = idList(input.objectRefs, 'objectRefs', { required: true })!;
  for (const [i, id] of refs.entries()) {
    const t = stixTypeOf(id)!;
    if (isSdo(t) || (notDomain.includes(t) && !isSro(t))) bad(`objectRefs[${i}] must be a cyber-observable or relationship, not a ${t}.`, 'objectRefs');
  }
  return checked<StixObservedData>(
    compact({
      ...commonProperties('observed-data', input),
      first_observed: first,
      last_observed: last,
      number_observed: integerIn(input.numberObserved ?? 1, 'numberObserved', 1, 999_999_999),
      object_refs: refs,
    }),
  );
}
