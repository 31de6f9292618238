// Which stored versions may go to a peer: the share's TLP and audience, the object's origin,
// and — as a second guard — any restricted TLP marking mentioned inside the object.
import { describe, expect, it } from 'vitest';
import { markingIdFor, tlp1MarkingIds } from '../stix/tlp.js';
import { levelsLeavingTo, mayPush } from './push.js';

const outsider = { id: 'peer-1', same_community: 0 };
const community = { id: 'peer-1', same_community: 1 };
const row = (over: Partial<Parameters<typeof mayPush>[0]> = {}) => ({
  tlp: 'clear',
  audience_kind: 'public',
  origin_peer_id: null,
  data: JSON.stringify({ type: 'indicator', id: 'indicator--1', object_marking_refs: [markingIdFor('clear')] }),
  ...over,
});

describe('what may leave to a peer', () => {
  it('lets CLEAR go anywhere and GREEN for all members only to the same community', () => {
    expect(levelsLeavingTo(false)).toEqual(['clear']);
    expect(levelsLeavingTo(true)).toEqual(['clear', 'green']);
    expect(mayPush(row(), outsider)).toBe(true);
    expect(mayPush(row({ audience_kind: 'members' }), outsider)).toBe(true);
    const green = row({ tlp: 'green', audience_kind: 'members', data: JSON.stringify({ object_marking_refs: [markingIdFor('green')] }) });
    expect(mayPush(green, outsider)).toBe(false);
    expect(mayPush(green, community)).toBe(true);
    // GREEN for a sharing group or named organisations is not for the wider community.
    expect(mayPush({ ...green, audience_kind: 'groups' }, community)).toBe(false);
    expect(mayPush({ ...green, audience_kind: 'orgs' }, community)).toBe(false);
  });

  it('never lets AMBER, AMBER+STRICT or RED go, nor an unknown level', () => {
    for (const tlp of ['amber', 'amber+strict', 'red', 'white', '']) {
      expect(mayPush(row({ tlp, audience_kind: 'members' }), community), tlp).toBe(false);
    }
  });

  it('never sends an object back to the peer it came from', () => {
    expect(mayPush(row({ origin_peer_id: 'peer-1' }), outsider)).toBe(false);
    expect(mayPush(row({ origin_peer_id: 'peer-2' }), outsider)).toBe(true);
  });

  it('keeps an object home when it mentions a restricted marking anywhere inside (TLP 2.0 or 1.0)', () => {
    const withPart = (ref: string) => row({ data: JSON.stringify({ object_marking_refs: [markingIdFor('clear')], granular_markings: [{ selectors: ['description'], marking_ref: ref }] }) });
    expect(mayPush(withPart(markingIdFor('amber')), community)).toBe(false);
    expect(mayPush(withPart(markingIdFor('amber+strict')), community)).toBe(false);
    expect(mayPush(withPart(markingIdFor('red')), community)).toBe(false);
    expect(mayPush(withPart(tlp1MarkingIds.red.toUpperCase()), community)).toBe(false);
    expect(mayPush(withPart(tlp1MarkingIds.amber), community)).toBe(false);
    expect(mayPush(withPart(markingIdFor('green')), outsider)).toBe(false);
    expect(mayPush(withPart(tlp1MarkingIds.green), outsider)).toBe(false);
    expect(mayPush(withPart(markingIdFor('green')), community)).toBe(true);
  });
});
