// Every line format by id, in the order people choose from. The MISP feed (misp-feed.ts) is a
// directory of files, not one stream, and the STIX bundle lives beside the service.
import { csv, splunkCsv } from './csv.js';
import { ecsNdjson } from './ecs.js';
import { edlDomain, edlHash, edlIp, edlUrl } from './edl.js';
import { hosts } from './hosts.js';
import { rpz } from './rpz.js';
import { suricata, suricataIprep } from './suricata.js';
import type { FormatWriter } from './types.js';
import { zeek } from './zeek.js';

export const formatWriters: readonly FormatWriter[] = [edlIp, edlDomain, edlUrl, edlHash, suricata, suricataIprep, zeek, rpz, hosts, csv, splunkCsv, ecsNdjson];

export const formatIds: readonly string[] = formatWriters.map((f) => f.id);

const byId: ReadonlyMap<string, FormatWriter> = new Map(formatWriters.map((f) => [f.id, f]));

export function isFormatId(id: unknown): id is string {
  return typeof id === 'string' && byId.has(id);
}

/** The writer of `id`, or undefined: answer 400 with formatIds as the allowed values. */
export function formatWriter(id: string): FormatWriter | undefined {
  return byId.get(id);
}

export type { ExportContext, ExportItem, FormatWriter } from './types.js';
