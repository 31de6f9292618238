// How a watchlist match reads on each channel: JSON as stored, Slack and Teams messages with
// defanged values, the alert mail and the hourly digest — TLP:RED sealed out of mail — and the
// filters that must not drop it by accident.
import { describe, expect, it } from 'vitest';
import { renderDigest, renderWatchlistAlert } from '../push/alerts.render.js';
import { matchesFilter } from '../push/filters.js';
import { buildBody } from '../push/webhooks.formats.js';
import { toWatchlistAlert, type WatchlistAlert } from './watchlist-event.js';

const alert = (tlp: 'amber' | 'red' = 'amber', count = 2): WatchlistAlert => ({
  type: 'watchlist.match',
  watchlist: {
    orgId: 'org-1',
    tlp,
    source: { kind: 'feed', id: 'feed-1', label: 'Phishing <domains> & more', link: null },
    matchCount: count,
    matches: [
      { id: 'm1', type: 'domain', value: 'spr1ngfield.gov', asset: { kind: 'domain', value: 'springfield.gov' }, reason: 'typo', explanation: 'spr1ngfield.gov is a misspelling of your domain springfield.gov', tlp },
      { id: 'm2', type: 'url', value: 'https://springfield-pay.com/login', asset: { kind: 'domain', value: 'springfield.gov' }, reason: 'embedded', explanation: '…', tlp },
    ],
    link: 'http://hub.test/watchlist',
  },
});
const opts = { publicUrl: 'http://hub.test', reason: 'testing' };

describe('watchlist event rendering', () => {
  it('parses stored payloads defensively', () => {
    expect(toWatchlistAlert(alert())).toMatchObject({ watchlist: { matchCount: 2, matches: [{ reason: 'typo' }, { reason: 'embedded' }] } });
    expect(toWatchlistAlert({ type: 'warning.created', warning: {} })).toBeNull();
    expect(toWatchlistAlert({ type: 'watchlist.match', watchlist: { orgId: 'x', tlp: 'purple', source: {}, matches: [] } })).toBeNull();
    const odd = toWatchlistAlert({ type: 'watchlist.match', watchlist: { orgId: 'x', tlp: 'amber', source: { label: 1 }, matches: [{ value: 'a.example', asset: { kind: 'domain', value: 'b.example' }, reason: 'exact' }, 'junk'] } });
    expect(odd?.watchlist.matches).toEqual([expect.objectContaining({ value: 'a.example', explanation: 'a.example is your domain b.example' })]);
  });

  it('sends JSON as stored, and Slack and Teams messages with defanged values and escaped labels', () => {
    const event = { id: 7, type: 'watchlist.match', occurredAt: '2026-03-02T09:00:00.000Z', subjectId: 'feed-1', data: alert() };
    expect(buildBody('json', event, 'http://hub.test')).toEqual({ id: 7, type: 'watchlist.match', occurredAt: event.occurredAt, data: alert() });
    const slack = JSON.stringify(buildBody('slack', event, 'http://hub.test'));
    expect(slack).toContain('2 new matches on your watchlist');
    expect(slack).toContain('spr1ngfield[.]gov is a misspelling of your domain springfield.gov');
    expect(slack).toContain('hxxps://springfield-pay[.]com/login');
    expect(slack).toContain('Phishing &lt;domains&gt; &amp; more');
    expect(slack).toContain('http://hub.test/watchlist');
    const teams = buildBody('teams', event, 'http://hub.test');
    expect(teams).toMatchObject({ '@type': 'MessageCard', potentialAction: [{ targets: [{ uri: 'http://hub.test/watchlist' }] }] });
    // Teams markdown escapes the brackets of the defanged dot
    expect(JSON.stringify(teams)).toContain('spr1ngfield\\\\[.\\\\]gov');
    expect(JSON.stringify(teams)).not.toContain('spr1ngfield.gov is');
  });

  it('mails AMBER matches defanged, and only the count of TLP:RED ones', () => {
    const amber = renderWatchlistAlert(alert('amber', 5), opts);
    expect(amber.subject).toBe('[TLP:AMBER] Watchlist: 5 new matches on your watchlist — from Phishing <domains> & more');
    expect(amber.text).toContain('  - spr1ngfield[.]gov is a misspelling of your domain springfield.gov');
    expect(amber.text).toContain('… and 3 more on the hub');
    expect(amber.html).toContain('Phishing &lt;domains&gt; &amp; more');
    expect(amber.html).not.toContain('<domains>');
    const red = renderWatchlistAlert(alert('red'), opts);
    expect(red.subject).toBe('[TLP:RED] Watchlist: 2 new matches on your watchlist');
    for (const part of [red.text, red.html]) {
      expect(part).not.toContain('spr1ngfield');
      expect(part).not.toContain('Phishing');
    }
    expect(red.text).toContain('Sign in to the hub to read the matches.');
  });

  it('puts watchlist matches at the top of the hourly digest, under the strictest TLP', () => {
    const digest = renderDigest([], opts, [alert('amber'), alert('red', 1)]);
    expect(digest.subject).toBe('[TLP:RED] Hourly digest: 3 watchlist matches');
    expect(digest.text).toContain('Your watchlist');
    expect(digest.text).toContain('spr1ngfield[.]gov');
    expect(digest.text.match(/spr1ngfield/g)).toHaveLength(1);
  });

  it('is not dropped by kinds or group filters; TLP and severity filters still apply', () => {
    const meta = { tlp: 'amber' as const, kind: 'watchlist', severity: 'high' as const, groupIds: [], targeted: true };
    expect(matchesFilter({ kinds: ['phishing'], groupIds: ['00000000-0000-4000-8000-000000000000'] }, meta)).toBe(true);
    expect(matchesFilter({ tlps: ['clear', 'green'] }, meta)).toBe(false);
    expect(matchesFilter({ minSeverity: 'high' }, meta)).toBe(true);
    expect(matchesFilter({ minSeverity: 'critical' }, meta)).toBe(false);
    // an ordinary warning is still filtered by kind
    expect(matchesFilter({ kinds: ['phishing'] }, { ...meta, kind: 'ransomware', targeted: false })).toBe(false);
  });
});
