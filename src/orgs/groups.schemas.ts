// TypeBox schemas of the sharing-groups API: what goes in, and exactly what may come out.
import { Type } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../http/schemas.js';
import { groupDescriptionMaxLength, groupNameMaxLength } from './groups.service.js';

const Uuid = Type.String({ format: 'uuid' });
const GroupName = Type.String({ minLength: 1, maxLength: groupNameMaxLength });
const GroupDescription = Nullable(Type.String({ maxLength: groupDescriptionMaxLength }));

export const GroupSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    ownerOrgId: Type.String(),
    ownerOrgName: Type.String(),
    members: Type.Array(Type.Object({ orgId: Type.String(), name: Type.String() }), { description: 'member organisations by name; the owner is always one' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Group', title: 'Group' },
);

export const GroupCreateSchema = Type.Object(
  {
    name: GroupName,
    description: Type.Optional(GroupDescription),
    ownerOrgId: Type.Optional({ ...Uuid, description: "the owning organisation: an admin's own (the default); the operator may name any" }),
  },
  { additionalProperties: false },
);

export const GroupPatchSchema = Type.Object(
  {
    name: Type.Optional(GroupName),
    description: Type.Optional(GroupDescription),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const GroupMemberParams = Type.Object({ id: Uuid, orgId: Uuid });
