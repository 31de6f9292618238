// The shapes the REST API returns, as the web app sees them.
// Kept by hand in step with the server's response schemas (src/*/…schemas.ts).

export type Role = 'admin' | 'analyst' | 'member';
export const roles: readonly Role[] = ['admin', 'analyst', 'member'];

export type OrgKind =
  | 'city' | 'county' | 'state' | 'tribal' | 'territorial' | 'federal' | 'private' | 'nonprofit' | 'isao';

export const orgKinds: readonly { value: OrgKind; label: string }[] = [
  { value: 'city', label: 'City' },
  { value: 'county', label: 'County' },
  { value: 'state', label: 'State' },
  { value: 'tribal', label: 'Tribal' },
  { value: 'territorial', label: 'Territorial' },
  { value: 'federal', label: 'Federal' },
  { value: 'private', label: 'Private' },
  { value: 'nonprofit', label: 'Nonprofit' },
  { value: 'isao', label: 'ISAO' },
];

export function kindLabel(kind: OrgKind): string {
  return orgKinds.find((k) => k.value === kind)?.label ?? kind;
}

export interface Me {
  id: string;
  email: string;
  name: string;
  orgId: string | null;
  role: Role | null;
  isOperator: boolean;
  totpEnabled: boolean;
  mustEnrolTotp: boolean;
}

export interface Contact {
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface Org {
  id: string;
  name: string;
  kind: OrgKind;
  population: number | null;
  region: string | null;
  observer: boolean;
  votingEligible: boolean;
  contact: Contact;
  domains: string[];
  ipRanges: string[];
  asns: number[];
  userCount?: number;
  createdAt: string;
  updatedAt: string;
}

/** Fields a client may send when creating or changing an organisation. */
export type OrgInput = Pick<
  Org,
  'name' | 'kind' | 'population' | 'region' | 'observer' | 'contact' | 'domains' | 'ipRanges' | 'asns'
>;

export interface HubSettings {
  requireTotpForAdmins: boolean;
}

export interface MeResponse {
  user: Me;
  organisation: Org | null;
  csrfToken: string | null;
  settings: HubSettings;
}

export interface SignedIn {
  user: Me;
  csrfToken: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  orgId: string | null;
  role: Role | null;
  isOperator: boolean;
  totpEnabled: boolean;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  orgId: string | null;
  role: Role | null;
  isOperator: boolean;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface InvitationCreated {
  invitation: Invitation;
  inviteUrl: string;
  /** false when the hub has no mail server configured: hand the link over yourself */
  emailSent: boolean;
}

export interface InvitationPreview {
  email: string;
  organisationName: string | null;
  role: Role | null;
  isOperator: boolean;
}

export interface GroupMember {
  orgId: string;
  name: string;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  ownerOrgId: string;
  ownerOrgName: string;
  members: GroupMember[];
  createdAt: string;
  updatedAt: string;
}

export type Scope = 'read' | 'write' | 'admin';
export const scopes: readonly Scope[] = ['read', 'write', 'admin'];

export interface Token {
  id: string;
  name: string;
  userId: string;
  userEmail: string;
  orgId: string | null;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface TokenCreated {
  token: Token;
  secret: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  action: string;
  actorKind: string;
  actorLabel: string | null;
  actorUserId: string | null;
  actorTokenId: string | null;
  orgId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  items: AuditEntry[];
  nextBefore: number | null;
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

export interface ListOf<T> {
  items: T[];
}
