// Text folded for matching: lower case, look-alike Cyrillic and Greek letters turned into the
// Latin ones they imitate, accents and invisible characters removed.
import { skeleton } from './domains.js';

const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  let f = foldCache.get(ch);
  if (f === undefined) {
    f = /[\u200b-\u200f\u2060-\u2064\ufeff\u034f\u00ad]/u.test(ch) ? '' : /[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(ch) ? skeleton(ch) : ch;
    if (foldCache.size < 5000) foldCache.set(ch, f);
  }
  return f;
}

export function foldText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text.toLowerCase();
  // eslint-disable-next-line no-control-regex
  const folded = text.normalize('NFKC').replace(/[^\x00-\x7f]/gu, foldChar);
  // eslint-disable-next-line no-control-regex
  return (/[^\x00-\x7f]/.test(folded) ? folded.normalize('NFD').replace(/\p{M}/gu, '') : folded).toLowerCase();
}
