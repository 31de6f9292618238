// TypeScript shapes of the STIX 2.1 objects this hub emits. Type aliases, not interfaces, so
// that every object is also a Record<string, unknown> for storage and generic code.
import type { TlpMarkingDefinition } from './tlp.js';

export type StixTimestamp = string;
export type StixId = string;

export type ExternalReference = {
  source_name: string;
  description?: string;
  url?: string;
  external_id?: string;
};

/** Properties shared by SDOs (and SROs). */
export type StixCommon = {
  spec_version: '2.1';
  id: StixId;
  created: StixTimestamp;
  modified: StixTimestamp;
  created_by_ref?: StixId;
  revoked?: boolean;
  labels?: string[];
  confidence?: number;
  external_references?: ExternalReference[];
  object_marking_refs?: StixId[];
  extensions?: Record<string, { extension_type: string; [property: string]: unknown }>;
};

export type StixIdentity = StixCommon & {
  type: 'identity';
  name: string;
  description?: string;
  identity_class?: string;
  sectors?: string[];
  contact_information?: string;
};

export type StixIndicator = StixCommon & {
  type: 'indicator';
  name?: string;
  description?: string;
  indicator_types?: string[];
  pattern: string;
  pattern_type: 'stix';
  pattern_version?: string;
  valid_from: StixTimestamp;
  valid_until?: StixTimestamp;
};

export type StixVulnerability = StixCommon & {
  type: 'vulnerability';
  name: string;
  description?: string;
};

export type StixReport = StixCommon & {
  type: 'report';
  name: string;
  description?: string;
  report_types?: string[];
  published: StixTimestamp;
  object_refs: StixId[];
};

export type StixExtensionDefinition = Omit<StixCommon, 'extensions'> & {
  type: 'extension-definition';
  name: string;
  description?: string;
  schema: string;
  version: string;
  extension_types: Array<'new-sdo' | 'new-sco' | 'new-sro' | 'property-extension' | 'toplevel-property-extension'>;
};

export type StixMarkingDefinition = TlpMarkingDefinition;

export type StixObject = StixIdentity | StixIndicator | StixVulnerability | StixReport | StixExtensionDefinition | StixMarkingDefinition;

export type StixBundle = {
  type: 'bundle';
  id: StixId;
  objects: StixObject[];
};
