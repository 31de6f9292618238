// What a format writer reads (one exportable value, the export run's context) and the shape
// every writer has: header, one item at a time, footer — so an export streams in flat memory.
import type { IndicatorType } from '../../stix/observables.js';
import type { Tlp } from '../../stix/tlp.js';

export interface ExportItem {
  /** observables.id: stable for the life of the value (use it for deterministic sids) */
  id: number;
  type: IndicatorType;
  value: string; // canonical form
  confidence: number; // 0..100
  tlp: Tlp; // the most restrictive TLP among the mentions the reader may see
  firstSeen: string; // ISO 8601
  lastSeen: string;
  validUntil: string | null;
  /** the visible sources, newest first: warnings, feeds, STIX objects */
  sources: Array<{ kind: 'warning' | 'feed' | 'stix' | 'sighting'; id: string; title: string }>;
  /** the hub's page for this value, e.g. https://hub.example/intel/123 */
  url: string;
  sightings: number;
}

export interface ExportContext {
  hubName: string;
  hubUrl: string;
  exportName: string;
  generatedAt: string;
  /** serial for RPZ: increases whenever content changes; given by the caller */
  serial: number;
  sidBase: number;
  sidRange: number;
  /** csv: the columns, in order (default: all of csvColumns) */
  columns?: readonly string[] | undefined;
  /** edl-domain: also list `*.domain` after each domain (Fortinet, Check Point, PAN-OS ≥ 9.0) */
  domainWildcards?: boolean | undefined;
  /** rpz: TTL of the zone's records in seconds (default 300) */
  rpzTtl?: number | undefined;
  /** rpz: the zone's name on the resolver; long names leave less room for triggers (default: assume 63 characters) */
  rpzZone?: string | undefined;
  /** suricata-iprep: the category number from the sensor's categories file (default 1) */
  iprepCategory?: number | undefined;
}

/**
 * One export format. `line` returns the complete text for one item — one or more lines, each
 * with its terminator — or null when the format cannot express the item (wrong type, or a
 * value the format cannot carry safely); the caller skips it and counts it.
 */
export interface FormatWriter {
  readonly id: string;
  /** words for people, e.g. in the export form */
  readonly label: string;
  readonly contentType: string;
  readonly fileExtension: string;
  /** the indicator types this format can carry (what an export's `types` option is checked against) */
  readonly types: readonly IndicatorType[];
  /** table formats: the columns an export may choose */
  readonly columns?: readonly string[];
  /**
   * The writer reads only the item's id, type and value (lists, zones, hosts files). The
   * exporter then skips reading sources, sightings, TLP and confidence: half the cost of a list.
   */
  readonly valuesOnly?: boolean;
  supports(type: IndicatorType): boolean;
  header(ctx: ExportContext): string;
  line(item: ExportItem, ctx: ExportContext): string | null;
  footer(ctx: ExportContext): string;
}
