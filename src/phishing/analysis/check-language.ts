// Language checks: the pressure and requests of fraud (urgency, credentials, changed bank
// details, gift cards, threats and sextortion, advance-fee stories, prize and crypto lures),
// counted as distinct phrases in the subject and text, in several languages.
import { foldText } from './fold.js';
import { groups } from './data/phrases.js';
import type { Collector, MessageFacts } from './facts.js';

// One pattern for every phrase of every group, longest first, so the text is scanned once;
// each match is then credited to the groups that list it.
const groupsOf = new Map<string, string[]>();
for (const g of groups) for (const p of g.phrases) groupsOf.set(p, [...(groupsOf.get(p) ?? []), g.id]);
const allPhrases = new RegExp(
  `\\b(?:${[...groupsOf.keys()]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'))
    .join('|')})`,
  'g',
);

/** Distinct phrases of each group found in `text`. */
export function phraseHits(text: string, alreadyFolded = false): Map<string, string[]> {
  const folded = (alreadyFolded ? text : foldText(text.length > 200_000 ? text.slice(0, 200_000) : text)).slice(0, 100_000);
  const found = new Map<string, Set<string>>(groups.map((g) => [g.id, new Set<string>()]));
  for (const m of folded.matchAll(allPhrases)) {
    const phrase = m[0].replace(/\s+/g, ' ');
    for (const id of groupsOf.get(phrase) ?? []) {
      const set = found.get(id)!;
      if (set.size < 12) set.add(phrase);
    }
  }
  return new Map([...found].map(([id, set]) => [id, [...set]]));
}

// Millions promised to a stranger: "$2.500,000.00", "USD 10,500,000", "4.5 million dollars".
const bigMoney = /(?:[$€£]|\busd|\beur|\bgbp)\s?\(?\s?\d{1,3}(?:[.,\s]\d{3}){2,}|\b\d+(?:[.,]\d+)?\s?(?:million|billion|millones|milhoes|millions|millionen|milliarden)\b/;

export function checkLanguage(facts: MessageFacts, out: Collector): void {
  const hits = phraseHits(facts.folded, true);
  // A very large sum counts as one more sign of an advance-fee story.
  const money = bigMoney.exec(facts.folded.slice(0, 100_000));
  if (money) hits.get('advance-fee')?.push(money[0].trim());
  const n = (id: string): number => hits.get(id)?.length ?? 0;
  const ev = (id: string): string[] => (hits.get(id) ?? []).slice(0, 5).map((p) => `"${p}"`);
  if (n('urgency') >= 1) {
    const strong = n('urgency') >= 3;
    out.add('urgency', 'language', 'low', strong ? 12 : 6, 'The email pressures you to act fast',
      'It uses deadlines and threats ("immediately", "within 24 hours", "final notice") so that you act before you think. Real organisations give you time.', ev('urgency'));
  }
  if (n('credentials') >= 2) {
    out.add('credential-request', 'language', 'medium', n('credentials') >= 4 ? 20 : 12, 'The email asks you to sign in or confirm account details',
      'It asks you to verify, update or unlock an account. Go to the website yourself by typing its address, never through a link in an email.', ev('credentials'));
  }
  if (n('payment-change') >= 2) {
    out.add('payment-change', 'language', 'medium', 20, 'The email is about payments or changed bank details',
      'It talks about invoices, bank details or transfers. Fraudsters pose as suppliers or bosses to redirect payments: confirm any change by phone on a number you already know.', ev('payment-change'));
  }
  if (n('gift-card') >= 1) {
    out.add('gift-card', 'language', 'medium', 25, 'The email mentions gift cards',
      'Requests to buy gift cards and send the codes are a well-known scam: no employer, official body or company asks to be paid this way.', ev('gift-card'));
  }
  const threat = hits.get('sextortion') ?? [];
  const paysIn = threat.some((p) => /bitcoin|btc|wallet address/.test(p));
  if (paysIn && threat.length >= 4) {
    out.add('threat', 'language', 'high', 35, 'The email threatens you and demands money',
      'It claims to have hacked your device or recorded you and demands payment in cryptocurrency. These mails are sent to millions of people; the claims are almost always false. Do not pay.', ev('sextortion'));
  }
  if (n('advance-fee') >= 3) {
    const strong = n('advance-fee') >= 5;
    out.add('advance-fee', 'language', strong ? 'high' : 'medium', strong ? 35 : 20, 'The email promises money from a stranger',
      'It tells a story of an inheritance, lottery win, donation or fund transfer and will ask you for fees or personal details. This is advance-fee fraud.', ev('advance-fee'));
  }
  if (n('criminal-services') >= 4) {
    out.add('criminal-services', 'language', 'medium', 25, 'The email sells hacking tools or stolen access',
      'It advertises things like hacked servers, stolen logins or fake followers. Such mail comes from criminals; do not engage.', ev('criminal-services'));
  }
  if (n('adult') >= 1) {
    out.add('adult-lure', 'language', 'medium', n('adult') >= 2 ? 20 : 15, 'The email uses a sexual or dating come-on',
      'Messages offering sex chats, dates or private photos lead to scam and malware sites.', ev('adult'));
  }
  if (n('prize') >= 3) {
    const strong = n('prize') >= 5;
    out.add('prize-lure', 'language', 'medium', strong ? 20 : 12, 'The email dangles a prize, reward or free crypto',
      'Offers of free tokens, rewards, winnings or bonuses are used to lure people to fake sites that steal money or wallet keys.', ev('prize'));
  }
}
