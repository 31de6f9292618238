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
  granular_markings?: GranularMarking[];
  lang?: string;
  extensions?: Record<string, { extension_type: string; [property: string]: unknown }>;
};

export type GranularMarking = { selectors: string[]; marking_ref?: StixId; lang?: string };

export type KillChainPhase = { kill_chain_name: string; phase_name: string };

/** hash-algorithm-ov keys (MD5, SHA-1, SHA-256…) to hex digests. */
export type Hashes = Record<string, string>;

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
  kill_chain_phases?: KillChainPhase[];
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

/** A statement or TLP 1.0 marking (TLP 2.0 markings are TlpMarkingDefinition). */
export type StixDefinitionMarking = {
  type: 'marking-definition';
  spec_version: '2.1';
  id: StixId;
  created: StixTimestamp;
  created_by_ref?: StixId;
  name?: string;
  definition_type: 'statement' | 'tlp';
  definition: { statement: string } | { tlp: 'white' | 'green' | 'amber' | 'red' };
};

export type StixMarkingDefinition = TlpMarkingDefinition | StixDefinitionMarking;

// ---- the other SDOs

export type StixMalware = StixCommon & {
  type: 'malware';
  name?: string;
  description?: string;
  malware_types?: string[];
  is_family: boolean;
  aliases?: string[];
  kill_chain_phases?: KillChainPhase[];
  first_seen?: StixTimestamp;
  last_seen?: StixTimestamp;
  operating_system_refs?: StixId[];
  architecture_execution_envs?: string[];
  implementation_languages?: string[];
  capabilities?: string[];
  sample_refs?: StixId[];
};

export type StixAttackPattern = StixCommon & {
  type: 'attack-pattern';
  name: string;
  description?: string;
  aliases?: string[];
  kill_chain_phases?: KillChainPhase[];
};

export type StixCampaign = StixCommon & {
  type: 'campaign';
  name: string;
  description?: string;
  aliases?: string[];
  first_seen?: StixTimestamp;
  last_seen?: StixTimestamp;
  objective?: string;
};

export type StixThreatActor = StixCommon & {
  type: 'threat-actor';
  name: string;
  description?: string;
  threat_actor_types?: string[];
  aliases?: string[];
  first_seen?: StixTimestamp;
  last_seen?: StixTimestamp;
  roles?: string[];
  goals?: string[];
  sophistication?: string;
  resource_level?: string;
  primary_motivation?: string;
  secondary_motivations?: string[];
  personal_motivations?: string[];
};

export type StixIntrusionSet = StixCommon & {
  type: 'intrusion-set';
  name: string;
  description?: string;
  aliases?: string[];
  first_seen?: StixTimestamp;
  last_seen?: StixTimestamp;
  goals?: string[];
  resource_level?: string;
  primary_motivation?: string;
  secondary_motivations?: string[];
};

export type StixIncident = StixCommon & {
  type: 'incident';
  name: string;
  description?: string;
  kill_chain_phases?: KillChainPhase[];
};

export type StixCourseOfAction = StixCommon & {
  type: 'course-of-action';
  name: string;
  description?: string;
};

export type StixNote = StixCommon & {
  type: 'note';
  abstract?: string;
  content: string;
  authors?: string[];
  object_refs: StixId[];
};

export type OpinionValue = 'strongly-disagree' | 'disagree' | 'neutral' | 'agree' | 'strongly-agree';

export type StixOpinion = StixCommon & {
  type: 'opinion';
  explanation?: string;
  authors?: string[];
  opinion: OpinionValue;
  object_refs: StixId[];
};

export type StixObservedData = StixCommon & {
  type: 'observed-data';
  first_observed: StixTimestamp;
  last_observed: StixTimestamp;
  number_observed: number;
  object_refs: StixId[];
};

// ---- relationship objects

export type StixRelationship = StixCommon & {
  type: 'relationship';
  relationship_type: string;
  description?: string;
  source_ref: StixId;
  target_ref: StixId;
  start_time?: StixTimestamp;
  stop_time?: StixTimestamp;
};

export type StixSighting = StixCommon & {
  type: 'sighting';
  description?: string;
  first_seen?: StixTimestamp;
  last_seen?: StixTimestamp;
  count?: number;
  sighting_of_ref: StixId;
  observed_data_refs?: StixId[];
  where_sighted_refs?: StixId[];
  summary?: boolean;
};

// ---- cyber-observables: no created/modified, deterministic ids

/** Properties shared by SCOs. */
export type ScoCommon = {
  spec_version?: '2.1';
  id: StixId;
  object_marking_refs?: StixId[];
  granular_markings?: GranularMarking[];
  defanged?: boolean;
  extensions?: Record<string, Record<string, unknown>>;
};

export type StixIpv4Addr = ScoCommon & { type: 'ipv4-addr'; value: string; resolves_to_refs?: StixId[]; belongs_to_refs?: StixId[] };
export type StixIpv6Addr = ScoCommon & { type: 'ipv6-addr'; value: string; resolves_to_refs?: StixId[]; belongs_to_refs?: StixId[] };
export type StixDomainName = ScoCommon & { type: 'domain-name'; value: string; resolves_to_refs?: StixId[] };
export type StixUrl = ScoCommon & { type: 'url'; value: string };
export type StixEmailAddr = ScoCommon & { type: 'email-addr'; value: string; display_name?: string; belongs_to_ref?: StixId };
export type StixMacAddr = ScoCommon & { type: 'mac-addr'; value: string };
export type StixAutonomousSystem = ScoCommon & { type: 'autonomous-system'; number: number; name?: string; rir?: string };

export type StixFile = ScoCommon & {
  type: 'file';
  hashes?: Hashes;
  size?: number;
  name?: string;
  name_enc?: string;
  magic_number_hex?: string;
  mime_type?: string;
  ctime?: StixTimestamp;
  mtime?: StixTimestamp;
  atime?: StixTimestamp;
  parent_directory_ref?: StixId;
  contains_refs?: StixId[];
  content_ref?: StixId;
};

export type MimePart = { body?: string; body_raw_ref?: StixId; content_type?: string; content_disposition?: string };

export type StixEmailMessage = ScoCommon & {
  type: 'email-message';
  is_multipart: boolean;
  date?: StixTimestamp;
  content_type?: string;
  from_ref?: StixId;
  sender_ref?: StixId;
  to_refs?: StixId[];
  cc_refs?: StixId[];
  bcc_refs?: StixId[];
  message_id?: string;
  subject?: string;
  received_lines?: string[];
  additional_header_fields?: Record<string, string | string[]>;
  body?: string;
  body_multipart?: MimePart[];
  raw_email_ref?: StixId;
};

export type StixNetworkTraffic = ScoCommon & {
  type: 'network-traffic';
  start?: StixTimestamp;
  end?: StixTimestamp;
  is_active?: boolean;
  src_ref?: StixId;
  dst_ref?: StixId;
  src_port?: number;
  dst_port?: number;
  protocols: string[];
  src_byte_count?: number;
  dst_byte_count?: number;
  src_packets?: number;
  dst_packets?: number;
  ipfix?: Record<string, string | number>;
  src_payload_ref?: StixId;
  dst_payload_ref?: StixId;
  encapsulates_refs?: StixId[];
  encapsulated_by_ref?: StixId;
};

export type StixSco =
  | StixIpv4Addr
  | StixIpv6Addr
  | StixDomainName
  | StixUrl
  | StixEmailAddr
  | StixMacAddr
  | StixAutonomousSystem
  | StixFile
  | StixEmailMessage
  | StixNetworkTraffic;

export type StixSdo =
  | StixIdentity
  | StixIndicator
  | StixVulnerability
  | StixReport
  | StixMalware
  | StixAttackPattern
  | StixCampaign
  | StixThreatActor
  | StixIntrusionSet
  | StixIncident
  | StixCourseOfAction
  | StixNote
  | StixOpinion
  | StixObservedData;

export type StixSro = StixRelationship | StixSighting;

export type StixObject = StixSdo | StixSro | StixSco | StixExtensionDefinition | StixMarkingDefinition;

export type StixBundle = {
  type: 'bundle';
  id: StixId;
  objects: StixObject[];
};
