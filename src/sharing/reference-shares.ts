// Two built-in shares (created by migration 2026112205) for STIX objects every warning refers
// to but that belong to no one warning: TLP marking definitions and extension definitions are
// public knowledge; the identities of member organisations are for members, as the member
// directory is.
export const referenceShares = {
  public: 'share-reference-public',
  members: 'share-reference-members',
} as const;

const publicTypes = new Set(['marking-definition', 'extension-definition']);

/** Where a warning's object of this type is kept: a reference share, or null for the warning's own. */
export function referenceShareForWarningObject(type: string): string | null {
  if (publicTypes.has(type)) return referenceShares.public;
  if (type === 'identity') return referenceShares.members;
  return null;
}
