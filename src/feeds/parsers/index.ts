// Feed parsers for the analyst workspace: outside feeds (lists, CSV, free text, MISP feeds,
// STIX bundles) streamed into typed, normalised FeedRecords with a report of what was refused.
// Pure: no store, no network. Every run is an async iterable of record batches.
import { parseCsv, type CsvOptions } from './csv.js';
import { parseList, type ListOptions } from './list.js';
import { parseMispEvent, type MispEventOptions } from './misp-event.js';
import type { FeedRun } from './run.js';
import { parseStixBundle, type StixOptions } from './stix.js';
import { parseText, type TextOptions } from './text.js';
import type { FeedInput } from './types.js';

export type { FeedInput, FeedRecord, FailureKind, InputOptions, ParseReport, RejectKind, RejectSample } from './types.js';
export { inputDefaults } from './types.js';
export { FeedRun } from './run.js';
export { escapeSample } from './report.js';
export { classifyValue, isCanonicalIpv4, normaliseDate, type Classified, type ForcedType } from './values.js';
export { typeFromName } from './type-names.js';
export { parseList, type ListOptions } from './list.js';
export { parseText, type TextOptions } from './text.js';
export { detectDelimiter, parseCsv, type ColumnRef, type CsvColumns, type CsvOptions } from './csv.js';
export { MispEventRun, parseMispEvent, type MispEventInfo, type MispEventOptions } from './misp-event.js';
export { eventsToFetch, parseMispHashes, parseMispManifest, type ManifestCursor, type MispHashEntry, type MispManifestEntry } from './misp-feed.js';
export { parseStixBundle, type StixOptions } from './stix.js';

/** A feed's format and its options, as a feed's configuration would store them. */
export type FeedFormat =
  | ({ format: 'list' } & ListOptions)
  | ({ format: 'csv' } & CsvOptions)
  | ({ format: 'text' } & TextOptions)
  | ({ format: 'misp-event' } & MispEventOptions)
  | ({ format: 'stix' } & StixOptions);

export const feedFormats = ['list', 'csv', 'text', 'misp-event', 'stix'] as const;

/** Parse `input` as the given format. Throws RangeError only for options that can never work. */
export function parseFeed(input: FeedInput, spec: FeedFormat): FeedRun {
  switch (spec.format) {
    case 'list':
      return parseList(input, spec);
    case 'csv':
      return parseCsv(input, spec);
    case 'text':
      return parseText(input, spec);
    case 'misp-event':
      return parseMispEvent(input, spec);
    case 'stix':
      return parseStixBundle(input, spec);
    default:
      throw new RangeError(`Unknown feed format ${JSON.stringify((spec as { format: unknown }).format)}.`);
  }
}
