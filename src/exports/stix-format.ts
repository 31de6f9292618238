// The STIX 2.1 bundle export, streamed: the header opens the bundle with the hub's identity
// and the TLP 2.0 marking definitions, each value is one indicator after a comma, the footer
// closes it. Indicator ids are UUIDv5 of the hub and the observable id, so a re-export keeps
// them and a tool that ingests twice updates instead of duplicating.
import { buildIndicator } from '../stix/builders.js';
import { uuidV5 } from '../stix/ids.js';
import { indicatorTypes } from '../stix/observables.js';
import { markingDefinitionFor, markingIdFor, tlpLevels } from '../stix/tlp.js';
import type { ExportContext, ExportItem } from './formats/types.js';

/** Our own namespace for export ids (a random UUID, fixed forever). */
const namespace = '6f6c3a57-7d0e-4c5b-9f0e-2d1f6b8d9a41';

function identityId(ctx: ExportContext): string {
  return `identity--${uuidV5(namespace, `hub:${ctx.hubUrl}`)}`;
}

export const stixBundleFormat = {
  id: 'stix',
  label: 'STIX 2.1 bundle',
  contentType: 'application/stix+json;version=2.1',
  fileExtension: 'json',
  types: indicatorTypes.filter((t) => t !== 'cve'),
  supports: (type: string) => type !== 'cve' && (indicatorTypes as readonly string[]).includes(type),
  header(ctx: ExportContext): string {
    const identity = {
      type: 'identity',
      spec_version: '2.1',
      id: identityId(ctx),
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      name: ctx.hubName,
      identity_class: 'organization',
      description: `Tocsin hub at ${ctx.hubUrl}`,
    };
    const markings = tlpLevels.map((t) => markingDefinitionFor(t));
    const bundleId = `bundle--${uuidV5(namespace, `bundle:${ctx.hubUrl}:${ctx.exportName}:${ctx.serial}`)}`;
    return `{"type":"bundle","id":"${bundleId}","objects":[\n${[identity, ...markings].map((o) => JSON.stringify(o)).join(',\n')}`;
  },
  line(item: ExportItem, ctx: ExportContext): string | null {
    if (item.type === 'cve') return null;
    try {
      const indicator = buildIndicator({
        id: `indicator--${uuidV5(namespace, `observable:${ctx.hubUrl}:${item.id}`)}`,
        created: item.firstSeen,
        modified: item.lastSeen > item.firstSeen ? item.lastSeen : item.firstSeen,
        createdBy: identityId(ctx),
        markings: [markingIdFor(item.tlp)],
        confidence: item.confidence,
        observables: [{ type: item.type, value: item.value }],
        validFrom: item.firstSeen,
        ...(item.validUntil && item.validUntil > item.firstSeen ? { validUntil: item.validUntil } : {}),
        externalReferences: [{ source_name: ctx.hubName, url: item.url }],
      });
      return `,\n${JSON.stringify(indicator)}`;
    } catch {
      // A value the STIX pattern grammar cannot carry: skipped and counted.
      return null;
    }
  },
  footer(): string {
    return '\n]}\n';
  },
};
