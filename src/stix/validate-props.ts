// The properties STIX 2.1 defines for each object type: the value kind of each, whether it is
// required, and which object types a reference may point to. validate.ts checks objects
// against this table; a property missing from it is a custom property.

/** How a property's value must look. */
export type PropKind =
  | 'string'
  | 'strings' // non-empty list of strings
  | 'integer'
  | 'number'
  | 'boolean'
  | 'timestamp'
  | 'timestamp-ms' // created/modified: at least millisecond precision
  | 'ref'
  | 'refs'
  | 'hashes'
  | 'dict' // a dictionary: non-empty object with dictionary keys
  | 'object'
  | 'objects' // non-empty list of objects
  | 'kill-chain'
  | 'external-refs'
  | 'granular'
  | 'extensions'
  | 'hex'
  | 'binary'
  | 'any';

export interface PropSpec {
  kind: PropKind;
  required: boolean;
  /** for ref/refs: allowed target types, or the groups SDO, SCO, SRO, ANY */
  targets?: readonly string[];
}

const kinds: Readonly<Record<string, PropKind>> = {
  s: 'string',
  ss: 'strings',
  i: 'integer',
  n: 'number',
  b: 'boolean',
  ts: 'timestamp',
  tsm: 'timestamp-ms',
  ref: 'ref',
  refs: 'refs',
  hashes: 'hashes',
  dict: 'dict',
  obj: 'object',
  objs: 'objects',
  kcp: 'kill-chain',
  xrefs: 'external-refs',
  gm: 'granular',
  ext: 'extensions',
  hex: 'hex',
  bin: 'binary',
  any: 'any',
};

// `name!:kind(target|target)`; `!` marks a required property.
const sdoCommon =
  'type!:s spec_version:s id!:s created!:tsm modified!:tsm created_by_ref:ref(identity) revoked:b labels:ss confidence:i lang:s ' +
  'external_references:xrefs object_marking_refs:refs(marking-definition) granular_markings:gm extensions:ext';
const scoCommon = 'type!:s spec_version:s id!:s object_marking_refs:refs(marking-definition) granular_markings:gm defanged:b extensions:ext';
const seen = 'first_seen:ts last_seen:ts';
const netRef = 'ipv4-addr|ipv6-addr|mac-addr|domain-name';

const sdos: Readonly<Record<string, string>> = {
  'attack-pattern': 'name!:s description:s aliases:ss kill_chain_phases:kcp',
  campaign: `name!:s description:s aliases:ss ${seen} objective:s`,
  'course-of-action': 'name!:s description:s',
  grouping: 'name:s description:s context!:s object_refs!:refs(ANY)',
  identity: 'name!:s description:s roles:ss identity_class:s sectors:ss contact_information:s',
  incident: 'name!:s description:s kill_chain_phases:kcp',
  indicator: 'name:s description:s indicator_types:ss pattern!:s pattern_type!:s pattern_version:s valid_from!:ts valid_until:ts kill_chain_phases:kcp',
  infrastructure: `name!:s description:s infrastructure_types:ss aliases:ss kill_chain_phases:kcp ${seen}`,
  'intrusion-set': `name!:s description:s aliases:ss ${seen} goals:ss resource_level:s primary_motivation:s secondary_motivations:ss`,
  location: 'name:s description:s latitude:n longitude:n precision:n region:s country:s administrative_area:s city:s street_address:s postal_code:s',
  malware:
    `name:s description:s malware_types:ss is_family!:b aliases:ss kill_chain_phases:kcp ${seen} operating_system_refs:refs(software) ` +
    'architecture_execution_envs:ss implementation_languages:ss capabilities:ss sample_refs:refs(file|artifact)',
  'malware-analysis':
    'product!:s version:s host_vm_ref:ref(software) operating_system_ref:ref(software) installed_software_refs:refs(software) ' +
    'configuration_version:s modules:ss analysis_engine_version:s analysis_definition_version:s submitted:ts analysis_started:ts ' +
    'analysis_ended:ts result_name:s result:s analysis_sco_refs:refs(SCO) sample_ref:ref(file|artifact|network-traffic)',
  note: 'abstract:s content!:s authors:ss object_refs!:refs(ANY)',
  'observed-data': 'first_observed!:ts last_observed!:ts number_observed!:i objects:dict object_refs:refs(SCO|SRO)',
  opinion: 'explanation:s authors:ss opinion!:s object_refs!:refs(ANY)',
  report: 'name!:s description:s report_types:ss published!:ts object_refs!:refs(ANY)',
  'threat-actor':
    `name!:s description:s threat_actor_types:ss aliases:ss ${seen} roles:ss goals:ss sophistication:s resource_level:s ` +
    'primary_motivation:s secondary_motivations:ss personal_motivations:ss',
  tool: 'name!:s description:s tool_types:ss aliases:ss kill_chain_phases:kcp tool_version:s',
  vulnerability: 'name!:s description:s',
};

const sros: Readonly<Record<string, string>> = {
  relationship: 'relationship_type!:s description:s source_ref!:ref(SDO|SCO) target_ref!:ref(SDO|SCO) start_time:ts stop_time:ts',
  sighting:
    `description:s ${seen} count:i sighting_of_ref!:ref(SDO) observed_data_refs:refs(observed-data) ` +
    'where_sighted_refs:refs(identity|location) summary:b',
};

const scos: Readonly<Record<string, string>> = {
  artifact: 'mime_type:s payload_bin:bin url:s hashes:hashes encryption_algorithm:s decryption_key:s',
  'autonomous-system': 'number!:i name:s rir:s',
  directory: 'path!:s path_enc:s ctime:ts mtime:ts atime:ts contains_refs:refs(file|directory)',
  'domain-name': 'value!:s resolves_to_refs:refs(ipv4-addr|ipv6-addr|domain-name)',
  'email-addr': 'value!:s display_name:s belongs_to_ref:ref(user-account)',
  'email-message':
    'is_multipart!:b date:ts content_type:s from_ref:ref(email-addr) sender_ref:ref(email-addr) to_refs:refs(email-addr) ' +
    'cc_refs:refs(email-addr) bcc_refs:refs(email-addr) message_id:s subject:s received_lines:ss additional_header_fields:dict ' +
    'body:s body_multipart:objs raw_email_ref:ref(artifact)',
  file:
    'hashes:hashes size:i name:s name_enc:s magic_number_hex:hex mime_type:s ctime:ts mtime:ts atime:ts ' +
    'parent_directory_ref:ref(directory) contains_refs:refs(SCO) content_ref:ref(artifact)',
  'ipv4-addr': 'value!:s resolves_to_refs:refs(mac-addr) belongs_to_refs:refs(autonomous-system)',
  'ipv6-addr': 'value!:s resolves_to_refs:refs(mac-addr) belongs_to_refs:refs(autonomous-system)',
  'mac-addr': 'value!:s',
  mutex: 'name!:s',
  'network-traffic':
    `start:ts end:ts is_active:b src_ref:ref(${netRef}) dst_ref:ref(${netRef}) src_port:i dst_port:i protocols!:ss ` +
    'src_byte_count:i dst_byte_count:i src_packets:i dst_packets:i ipfix:dict src_payload_ref:ref(artifact) ' +
    'dst_payload_ref:ref(artifact) encapsulates_refs:refs(network-traffic) encapsulated_by_ref:ref(network-traffic)',
  process:
    'is_hidden:b pid:i created_time:ts cwd:s command_line:s environment_variables:dict opened_connection_refs:refs(network-traffic) ' +
    'creator_user_ref:ref(user-account) image_ref:ref(file) parent_ref:ref(process) child_refs:refs(process)',
  software: 'name!:s cpe:s swid:s languages:ss vendor:s version:s',
  url: 'value!:s',
  'user-account':
    'user_id:s credential:s account_login:s account_type:s display_name:s is_service_account:b is_privileged:b ' +
    'can_escalate_privs:b is_disabled:b account_created:ts account_expires:ts credential_last_changed:ts ' +
    'account_first_login:ts account_last_login:ts',
  'windows-registry-key': 'key:s values:objs modified_time:ts creator_user_ref:ref(user-account) number_of_subkeys:i',
  'x509-certificate':
    'is_self_signed:b hashes:hashes version:s serial_number:s signature_algorithm:s issuer:s validity_not_before:ts ' +
    'validity_not_after:ts subject:s subject_public_key_algorithm:s subject_public_key_modulus:s subject_public_key_exponent:i ' +
    'x509_v3_extensions:obj',
};

const metas: Readonly<Record<string, string>> = {
  'marking-definition':
    'type!:s spec_version:s id!:s created!:tsm created_by_ref:ref(identity) external_references:xrefs ' +
    'object_marking_refs:refs(marking-definition) granular_markings:gm extensions:ext name:s definition_type:s definition:obj',
  'extension-definition':
    'type!:s spec_version:s id!:s created!:tsm modified!:tsm created_by_ref!:ref(identity) revoked:b labels:ss ' +
    'external_references:xrefs object_marking_refs:refs(marking-definition) granular_markings:gm ' +
    'name!:s description:s schema!:s version!:s extension_types!:ss extension_properties:ss',
  'language-content': `${sdoCommon} object_ref!:ref(ANY) object_modified:ts contents!:dict`,
};

function parse(spec: string): Map<string, PropSpec> {
  const out = new Map<string, PropSpec>();
  for (const item of spec.split(/\s+/).filter(Boolean)) {
    const m = /^([a-z0-9_]+)(!?):([a-z]+)(?:\(([^)]+)\))?$/.exec(item);
    const kind = m ? kinds[m[3]!] : undefined;
    if (!m || !kind) throw new Error(`bad property spec ${item}`);
    out.set(m[1]!, { kind, required: m[2] === '!', ...(m[4] ? { targets: m[4].split('|') } : {}) });
  }
  return out;
}

function build(): Map<string, ReadonlyMap<string, PropSpec>> {
  const table = new Map<string, ReadonlyMap<string, PropSpec>>();
  for (const [type, spec] of Object.entries(sdos)) table.set(type, parse(`${sdoCommon} ${spec}`));
  for (const [type, spec] of Object.entries(sros)) table.set(type, parse(`${sdoCommon} ${spec}`));
  for (const [type, spec] of Object.entries(scos)) table.set(type, parse(`${scoCommon} ${spec}`));
  for (const [type, spec] of Object.entries(metas)) table.set(type, parse(spec));
  return table;
}

const table = build();

/** The defined properties of a spec type; undefined for custom types. */
export function propertiesOf(type: string): ReadonlyMap<string, PropSpec> | undefined {
  return table.get(type);
}

/** What an SDO-like custom object (one with created/modified) is checked against. */
export const customSdoProperties: ReadonlyMap<string, PropSpec> = parse(sdoCommon);

/** What an SCO-like custom object is checked against. */
export const customScoProperties: ReadonlyMap<string, PropSpec> = parse(scoCommon);
