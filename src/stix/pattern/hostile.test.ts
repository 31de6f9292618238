// Hostile input: deep nesting, huge patterns, NUL bytes and random text must end in a
// PatternError (never a RangeError from the stack, never another exception, never a hang).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPattern, maxPatternDepth, maxPatternLength, observablesOf, parsePattern, PatternError, validatePattern } from './index.js';

function failure(text: string): PatternError {
  try {
    parsePattern(text);
  } catch (e) {
    if (e instanceof PatternError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('nesting', () => {
  it('refuses 10,000 nested parentheses with a PatternError, not a stack overflow', () => {
    const text = `${'('.repeat(10_000)}[x-t:prop = 1]${')'.repeat(10_000)}`;
    const e = failure(text);
    expect(e.message).toBe(`Brackets and parentheses are nested more than ${maxPatternDepth} deep at position ${maxPatternDepth}.`);
    expect(validatePattern(text)).toBe(e.message);
  });

  it('refuses 10,000 nested parentheses inside an observation, and unbalanced ones', () => {
    expect(failure(`[${'('.repeat(10_000)}x-t:prop = 1${')'.repeat(10_000)}]`).message).toMatch(/nested more than 100 deep at position 100/);
    expect(failure('('.repeat(60_000)).message).toMatch(/nested more than 100 deep/);
    expect(failure(`[${'('.repeat(60_000)}`).message).toMatch(/nested more than 100 deep/);
  });

  it(`accepts nesting up to ${maxPatternDepth} levels, and everything walks it`, () => {
    const inner = `${'('.repeat(maxPatternDepth - 2)}[${'('.repeat(1)}ipv4-addr:value = '198.51.100.1'${')'.repeat(1)}]${')'.repeat(maxPatternDepth - 2)}`;
    const tree = parsePattern(inner);
    expect(validatePattern(inner)).toBeNull();
    expect(observablesOf(tree)).toEqual([{ type: 'ipv4', value: '198.51.100.1' }]);
    expect(parsePattern(formatPattern(tree))).toEqual(parsePattern(formatPattern(parsePattern(formatPattern(tree)))));
    expect(failure(`(${inner})`).message).toMatch(/nested more than 100 deep/);
  });

  it('keeps long chains flat, so walking them needs no deep recursion', () => {
    const observations = Array.from({ length: 1500 }, (_, i) => `[ipv4-addr:value = '10.0.${i >> 8}.${i & 255}']`).join(' OR ');
    expect(observations.length).toBeLessThan(maxPatternLength);
    expect(validatePattern(observations)).toBeNull();
    expect(observablesOf(observations)).toHaveLength(1500);
    const comparisons = `[${Array.from({ length: 3000 }, (_, i) => `file:size = ${i}`).join(' AND ')}]`;
    expect(validatePattern(comparisons)).toBeNull();
    const qualifiers = `[file:size = 1]${' WITHIN 1 SECONDS'.repeat(3000)}`;
    expect(validatePattern(qualifiers)).toMatch(/Duplicate WITHIN qualifier at position 33/);
  });
});

describe('size', () => {
  it('refuses a 1 MB pattern before reading it, with INPUT_TOO_LARGE', () => {
    const text = `[file:name = '${'a'.repeat(1 << 20)}']`;
    const e = failure(text);
    expect(e.code).toBe('INPUT_TOO_LARGE');
    expect(e.position).toBe(maxPatternLength);
    expect(e.message).toBe(`The pattern is ${text.length} characters long; the limit is ${maxPatternLength}.`);
  });

  it(`takes a pattern of exactly ${maxPatternLength} characters`, () => {
    const head = "[file:name = '";
    const text = `${head}${'a'.repeat(maxPatternLength - head.length - 2)}']`;
    expect(text).toHaveLength(maxPatternLength);
    expect(validatePattern(text)).toBeNull();
    expect(failure(`${text} `).code).toBe('INPUT_TOO_LARGE');
  });

  it('fails fast on long unterminated things', () => {
    expect(failure(`[file:name = '${'\\\\'.repeat(30_000)}`).message).toMatch(/Unterminated string literal starting at position 13/);
    expect(failure(`/*${'*'.repeat(60_000)}`).message).toMatch(/Unterminated comment/);
    expect(failure(`[file:size IN (${'1,'.repeat(30_000)}`).message).toMatch(/Expected a literal after IN \(/);
    expect(failure("'".repeat(60_001)).message).toMatch(/Unterminated string literal starting at position 60000/);
  });
});

describe('NUL bytes and odd characters', () => {
  it.each([
    ['\u0000', 0],
    ["\u0000[file:name = 'a']", 0],
    ["[file\u0000:name = 'a']", 5],
    ["[file:name\u0000 = 'a']", 10],
    ["[file:name = 'a\u0000']", 15],
    ["[file:name = 'a']\u0000", 17],
    ['\u0000'.repeat(100_000), maxPatternLength],
  ])('refuses NUL (case %#) at %i', (text, position) => {
    const e = failure(text);
    expect(e.position).toBe(position);
    if (text.length <= maxPatternLength) expect(e.message).toMatch(/U\+0000/);
    expect(validatePattern(text)).toBe(e.message);
  });

  it('takes any other Unicode inside strings, and nothing unexpected outside them', () => {
    expect(validatePattern("[file:name = '😀 \ud800 \u202e \u0007']")).toBeNull();
    expect(failure("[file:name = 'a'] 😀").message).toMatch(/Unexpected character '\ud83d' at position 18/);
    expect(failure('[file:nаme = 1]').message).toMatch(/Unexpected character 'а'/); // Cyrillic а
    expect(failure('[file:name = 1]\u200b').message).toMatch(/Unexpected character/); // zero-width space is not whitespace
  });
});

// Text made of the pattern alphabet, so that random input reaches deep into the grammar.
const alphabet = [
  ...'[]():.,*=!<>\'\\ -+0123456789abtxhZT/\u0000\n',
  'AND ', 'OR ', 'NOT ', 'FOLLOWEDBY ', 'IN ', 'LIKE ', 'MATCHES ', 'ISSUBSET ', 'EXISTS ', 'WITHIN ', 'SECONDS ', 'REPEATS ',
  'TIMES ', 'START ', 'STOP ', 'true', "t'2020-01-01T00:00:00Z'", "h'ff'", "b'AA=='", 'file:name', 'ipv4-addr:value', "'x'", "'198.51.100.1'",
];
const seeds = [
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
  "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
  "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0 AND file:magic_number_hex = h'ffd8' AND artifact:payload_bin = b'ABI=']",
];

/** Parse: answers true, or false for a PatternError; any other exception fails the test. */
function tryParse(text: string): boolean {
  try {
    const tree = parsePattern(text);
    // Whatever parses is written back to the same tree, and the other functions take it.
    const strip = (t: unknown) => JSON.stringify(t, (k, v: unknown) => (k === 'position' ? undefined : v));
    expect(strip(parsePattern(formatPattern(tree)))).toBe(strip(tree));
    validatePattern(text);
    observablesOf(tree);
    return true;
  } catch (e) {
    if (e instanceof PatternError) {
      expect(e.position).toBeGreaterThanOrEqual(0);
      expect(e.position).toBeLessThanOrEqual(Math.min(text.length, maxPatternLength));
      expect(e.message).not.toMatch(/[\n\r]/);
      return false;
    }
    throw e;
  }
}

describe('random input', () => {
  it('either parses or throws PatternError (random text of pattern pieces)', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (pieces) => void tryParse(pieces.join(''))), { numRuns: 3000 });
  });

  it('either parses or throws PatternError (spec examples with random edits)', () => {
    const edit = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...alphabet)), { minLength: 1, maxLength: 4 }));
    let parsed = 0;
    fc.assert(
      fc.property(edit, ([seed, edits]) => {
        let text = seed;
        for (const [at, cut, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        if (tryParse(text)) parsed++;
      }),
      { numRuns: 3000 },
    );
    expect(parsed).toBeGreaterThan(0); // the edits are not all fatal: some mutants are patterns too
  });

  it('either parses or throws PatternError (any string at all)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => void tryParse(s)), { numRuns: 2000 });
  });
});
