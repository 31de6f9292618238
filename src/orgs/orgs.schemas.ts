// TypeBox schemas of the members API: what goes in, and exactly what may come out.
import { Type } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../http/schemas.js';
import { roles, scopes } from './actor.js';
import { assetLimits } from './assets.js';
import { orgKinds } from './organisations.service.js';

const Email = Type.String({ minLength: 3, maxLength: 254 });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const OrgKindSchema = Type.Union(orgKinds.map((k) => Type.Literal(k)), { description: 'kind of organisation' });
export const RoleSchema = Type.Union(roles.map((r) => Type.Literal(r)));
export const ScopeSchema = Type.Union(scopes.map((s) => Type.Literal(s)));

export const ContactSchema = Type.Object({
  name: Nullable(Type.String({ maxLength: 200 })),
  email: Nullable(Type.String({ maxLength: 254 })),
  phone: Nullable(Type.String({ maxLength: 50 })),
});

export const OrganisationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: OrgKindSchema,
    population: Nullable(Type.Integer()),
    region: Nullable(Type.String()),
    observer: Type.Boolean(),
    votingEligible: Type.Boolean({ description: 'computed from the voting rule (TOCSIN_VOTING_RULE)' }),
    contact: ContactSchema,
    domains: Type.Array(Type.String()),
    ipRanges: Type.Array(Type.String()),
    asns: Type.Array(Type.Integer()),
    emailDomains: Type.Array(Type.String(), { description: 'domains its people send mail from' }),
    brands: Type.Array(Type.String(), { description: 'names to watch for in other domains' }),
    lookalikePatterns: Type.Array(Type.String(), { description: 'host-name patterns with * and ? wildcards' }),
    userCount: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Organisation', title: 'Organisation' },
);

const assetFields = {
  domains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: assetLimits.domains })),
  ipRanges: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: assetLimits.ipRanges })),
  asns: Type.Optional(Type.Array(Type.Union([Type.Integer(), Type.String({ maxLength: 12 })]), { maxItems: assetLimits.asns })),
  emailDomains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: assetLimits.emailDomains })),
  brands: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: assetLimits.brands })),
  lookalikePatterns: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: assetLimits.lookalikePatterns })),
};

export const OrganisationCreateSchema = Type.Object(
  {
    name: Name,
    kind: OrgKindSchema,
    population: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 2_000_000_000 }))),
    region: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    observer: Type.Optional(Type.Boolean()),
    contact: Type.Optional(Type.Partial(ContactSchema)),
    ...assetFields,
  },
  { additionalProperties: false },
);

export const OrganisationPatchSchema = Type.Partial(OrganisationCreateSchema, { additionalProperties: false });

export const OrganisationQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(OrgKindSchema),
    region: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    orgId: Nullable(Type.String()),
    role: Nullable(RoleSchema),
    isOperator: Type.Boolean(),
    totpEnabled: Type.Boolean(),
    disabled: Type.Boolean(),
    lastLoginAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'User', title: 'User' },
);

export const MeSchema = Type.Intersect([Type.Ref('User'), Type.Object({ mustEnrolTotp: Type.Boolean() })]);

export const UserPatchSchema = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const InvitationSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    orgId: Nullable(Type.String()),
    role: Nullable(RoleSchema),
    isOperator: Type.Boolean(),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    acceptedAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
  },
  { $id: 'Invitation', title: 'Invitation' },
);

export const CreatedInvitationSchema = Type.Object({
  invitation: Type.Ref('Invitation'),
  inviteUrl: Type.String({ description: 'the link also sent by email; hand it over yourself when mail is not configured' }),
  emailSent: Type.Boolean(),
});

export const InviteSchema = Type.Object({ email: Email, role: RoleSchema }, { additionalProperties: false });

export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    userId: Type.String(),
    userEmail: Type.String(),
    orgId: Nullable(Type.String()),
    scopes: Type.Array(ScopeSchema),
    createdAt: Timestamp,
    expiresAt: Nullable(Timestamp),
    lastUsedAt: Nullable(Timestamp),
    lastUsedIp: Nullable(Type.String()),
    revokedAt: Nullable(Timestamp),
    status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  },
  { $id: 'Token', title: 'Token' },
);

export const TokenCreateSchema = Type.Object(
  {
    name: Name,
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
    expiresInDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650 }))),
  },
  { additionalProperties: false },
);

export const LoginSchema = Type.Object(
  {
    email: Type.String({ maxLength: 254 }),
    password: Type.String({ maxLength: 1024 }),
    totp: Type.Optional(Type.String({ maxLength: 12 })),
  },
  { additionalProperties: false },
);

export const SignedInSchema = Type.Object({ user: MeSchema, csrfToken: Type.String() });

export const SettingsSchema = Type.Object({ requireTotpForAdmins: Type.Boolean() }, { $id: 'Settings', title: 'Settings' });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const LinkToken = Type.String({ minLength: 10, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });
