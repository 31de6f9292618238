// Letters that are not what they seem: Cyrillic or Greek look-alikes mixed into Latin words,
// "mathematical" styled letters, and invisible characters slipped between letters to dodge filters.
import { skeleton } from './domains.js';

const latin = /\p{Script=Latin}/u;
const lookalikeScripts = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;
// Mathematical alphanumerics, full-width and circled letters, small capitals (ᴀʙᴄ).
const styled = /[\u{1D400}-\u{1D7FF}\u{FF21}-\u{FF5A}\u{24B6}-\u{24E9}\u{1D00}-\u{1D2B}\u0280\u0262\u026a\u029c\u0274\u029f\u0299\u{A730}\u{A731}\u{1F130}-\u{1F189}]/u;
// Zero-width and joiner characters, the combining grapheme joiner and soft hyphen, bidi controls.
const invisibleBetween = /(?<=\p{L})[\u200b-\u200f\u2060-\u2064\ufeff\u034f\u00ad\u202a-\u202e\u2066-\u2069]+(?=\p{L})/gu;
// Marks stacked on plain ASCII letters after NFC (real accents compose away): the U+073F trick.
const strayMarks = /(?<=[A-Za-z])[\p{M}]+/gu;
// A cheap test for the common combining-mark blocks before the Unicode-aware pattern runs.
const combiningQuick = /[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0700-\u074f\u0900-\u0903\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/;

const separator = /[\s.,;:!?()[\]{}"'«»“”‘’<>|/\\]/u;

export interface TextTricks {
  /** words mixing Latin with look-alike letters of another script */
  mixedWords: string[];
  /** words written in styled (mathematical, fullwidth, circled) letters */
  styledWords: string[];
  /** invisible characters between letters, plus marks stacked on ASCII letters */
  hiddenChars: number;
}

export function findTextTricks(text: string, maxWords = 20): TextTricks {
  const out: TextTricks = { mixedWords: [], styledWords: [], hiddenChars: 0 };
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(sample)) return out; // plain ASCII hides no tricks
  const nfc = sample.normalize('NFC');
  // The look-behind patterns are slow on long texts: run them only when the characters occur.
  if (/[\u200b-\u200f\u2060-\u2064\ufeff\u034f\u00ad\u202a-\u202e\u2066-\u2069]/u.test(nfc)) out.hiddenChars += (nfc.match(invisibleBetween) ?? []).length;
  if (combiningQuick.test(nfc) && /[A-Za-z]\p{M}/u.test(nfc)) out.hiddenChars += (nfc.match(strayMarks) ?? []).length;
  if (!/[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}\u{1D400}-\u{1D7FF}\u{FF21}-\u{FF5A}\u{24B6}-\u{24E9}\u{1D00}-\u{1D2B}\u0280\u0262\u026a\u029c\u0274\u029f\u0299\u{A730}\u{A731}\u{1F130}-\u{1F189}]/u.test(nfc)) return out;
  // Only words holding a non-ASCII character can mix scripts or use styled letters: find
  // those characters and widen each to its word, skipping past it (linear in the text).
  // eslint-disable-next-line no-control-regex
  const nonAscii = /[^\x00-\x7f]/g;
  for (let m = nonAscii.exec(nfc); m; m = nonAscii.exec(nfc)) {
    let start = m.index;
    let end = m.index + 1;
    while (start > 0 && start > m.index - 60 && !separator.test(nfc[start - 1]!)) start--;
    while (end < nfc.length && end < m.index + 60 && !separator.test(nfc[end]!)) end++;
    nonAscii.lastIndex = end;
    const word = nfc.slice(start, end);
    if (word.length < 3 || word.length > 60) continue;
    if (out.mixedWords.length >= maxWords && out.styledWords.length >= maxWords) break;
    if (latin.test(word) && lookalikeScripts.test(word)) {
      // Only when the foreign letters really look Latin: the skeleton is all ASCII letters.
      if (/^[a-z0-9-]+$/.test(skeleton(word).replace(/[^\p{L}\p{N}-]/gu, ''))) {
        if (out.mixedWords.length < maxWords) out.mixedWords.push(word);
      }
    }
    if (styled.test(word) && out.styledWords.length < maxWords) out.styledWords.push(word);
  }
  return out;
}
