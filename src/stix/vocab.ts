// Closed vocabularies of a Tocsin warning (kind, severity) and the STIX 2.1 open vocabularies
// this module emits. Other modules build their schemas from these lists, never from copies.

/** What happened, as the member reporting an attack chooses it. */
export const warningKinds = [
  'phishing',
  'ransomware',
  'credential-leak',
  'ddos',
  'vulnerability-exploitation',
  'account-compromise',
  'fraud-bec',
  'other',
] as const;
export type WarningKind = (typeof warningKinds)[number];

/** Ordered from least to most severe: compare with `severities.indexOf`. */
export const severities = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export function isWarningKind(value: unknown): value is WarningKind {
  return typeof value === 'string' && (warningKinds as readonly string[]).includes(value);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (severities as readonly string[]).includes(value);
}

/** Words a person reads: "Phishing", "Fraud / business email compromise"… */
export const warningKindLabels: Readonly<Record<WarningKind, string>> = {
  phishing: 'Phishing',
  ransomware: 'Ransomware',
  'credential-leak': 'Credential leak',
  ddos: 'DDoS',
  'vulnerability-exploitation': 'Vulnerability exploitation',
  'account-compromise': 'Account compromise',
  'fraud-bec': 'Fraud / business email compromise',
  other: 'Attack',
};

/** STIX 2.1 indicator-type-ov. */
export const indicatorTypeOv = ['anomalous-activity', 'anonymization', 'benign', 'compromised', 'malicious-activity', 'attribution', 'unknown'] as const;
export type IndicatorTypeOv = (typeof indicatorTypeOv)[number];

/** STIX 2.1 report-type-ov. */
export const reportTypeOv = [
  'attack-pattern',
  'campaign',
  'identity',
  'indicator',
  'intrusion-set',
  'malware',
  'observed-data',
  'threat-actor',
  'threat-report',
  'tool',
  'vulnerability',
] as const;
export type ReportTypeOv = (typeof reportTypeOv)[number];

/** STIX 2.1 identity-class-ov. */
export const identityClassOv = ['individual', 'group', 'system', 'organization', 'class', 'unknown'] as const;
export type IdentityClassOv = (typeof identityClassOv)[number];

/** STIX 2.1 hash-algorithm-ov: the only keys a `hashes` dictionary should use. */
export const hashAlgorithmOv = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512', 'SHA3-256', 'SHA3-512', 'SSDEEP', 'TLSH'] as const;
export type HashAlgorithmOv = (typeof hashAlgorithmOv)[number];

/** STIX 2.1 pattern-type-ov. */
export const patternTypeOv = ['stix', 'pcre', 'sigma', 'snort', 'suricata', 'yara'] as const;

/** STIX 2.1 malware-type-ov. */
export const malwareTypeOv = [
  'adware', 'backdoor', 'bot', 'bootkit', 'ddos', 'downloader', 'dropper', 'exploit-kit', 'keylogger', 'ransomware',
  'remote-access-trojan', 'resource-exploitation', 'rogue-security-software', 'rootkit', 'screen-capture', 'spyware',
  'trojan', 'unknown', 'virus', 'webshell', 'wiper', 'worm',
] as const;

/** STIX 2.1 tool-type-ov. */
export const toolTypeOv = ['denial-of-service', 'exploitation', 'information-gathering', 'network-capture', 'credential-exploitation', 'remote-access', 'vulnerability-scanning', 'unknown'] as const;

/** STIX 2.1 threat-actor-type-ov. */
export const threatActorTypeOv = [
  'activist', 'competitor', 'crime-syndicate', 'criminal', 'hacker', 'insider-accidental', 'insider-disgruntled',
  'nation-state', 'sensationalist', 'spy', 'terrorist', 'unknown',
] as const;

/** STIX 2.1 infrastructure-type-ov. */
export const infrastructureTypeOv = ['amplification', 'anonymization', 'botnet', 'command-and-control', 'exfiltration', 'hosting-malware', 'hosting-target-lists', 'phishing', 'reconnaissance', 'staging', 'unknown'] as const;

/** STIX 2.1 grouping-context-ov. */
export const groupingContextOv = ['suspicious-activity', 'malware-analysis', 'unspecified'] as const;

/** STIX 2.1 opinion-enum: a closed list, unlike the vocabularies above. */
export const opinionEnum = ['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'] as const;
