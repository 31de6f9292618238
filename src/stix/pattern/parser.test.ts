import { describe, expect, it } from 'vitest';
import { formatPattern, parsePattern, PatternError, type ComparisonNode, type Literal, type ObjectPath } from './index.js';

const r = String.raw;

/** The single comparison of a one-observation pattern. */
function comparison(text: string): ComparisonNode {
  const e = parsePattern(text).expression;
  if (e.type !== 'observation' || e.comparison.type !== 'comparison') throw new Error(`not one comparison: ${text}`);
  return e.comparison;
}

function literal(text: string): Literal {
  const c = comparison(`[x-t:pp = ${text}]`);
  if (c.operator !== '=') throw new Error('unexpected operator');
  return c.value;
}

function path(text: string): ObjectPath {
  return comparison(`[EXISTS ${text}]`).path;
}

function failure(text: string): PatternError {
  try {
    parsePattern(text);
  } catch (e) {
    if (e instanceof PatternError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parsePattern: the tree', () => {
  it('builds a documented tree with positions', () => {
    expect(parsePattern("[ipv4-addr:value = '198.51.100.1'] OR [domain-name:value NOT IN ('a.example', 'b.example')] WITHIN 60 SECONDS")).toEqual({
      type: 'pattern',
      expression: {
        type: 'observation-operator',
        operator: 'OR',
        position: 0,
        operands: [
          {
            type: 'observation',
            position: 0,
            qualifiers: [],
            comparison: {
              type: 'comparison',
              operator: '=',
              negated: false,
              position: 1,
              path: { objectType: 'ipv4-addr', position: 1, steps: [{ kind: 'key', name: 'value', quoted: false, position: 11 }] },
              value: { type: 'string', value: '198.51.100.1', position: 19 },
            },
          },
          {
            type: 'observation',
            position: 38,
            qualifiers: [{ type: 'within', seconds: 60, text: '60', position: 92 }],
            comparison: {
              type: 'comparison',
              operator: 'IN',
              negated: true,
              position: 39,
              path: { objectType: 'domain-name', position: 39, steps: [{ kind: 'key', name: 'value', quoted: false, position: 51 }] },
              values: [
                { type: 'string', value: 'a.example', position: 65 },
                { type: 'string', value: 'b.example', position: 78 },
              ],
            },
          },
        ],
      },
    });
  });

  it('gives AND precedence over OR over FOLLOWEDBY, and keeps chains flat and in order', () => {
    const e = parsePattern('[x-a:p = 1] FOLLOWEDBY [x-b:p = 2] OR [x-c:p = 3] AND [x-d:p = 4] AND [x-e:p = 5] FOLLOWEDBY [x-f:p = 6]').expression;
    expect(e.type === 'observation-operator' && e.operator).toBe('FOLLOWEDBY');
    if (e.type !== 'observation-operator') return;
    expect(e.operands).toHaveLength(3);
    const or = e.operands[1]!;
    expect(or.type === 'observation-operator' && [or.operator, or.operands.length]).toEqual(['OR', 2]);
    if (or.type !== 'observation-operator') return;
    const and = or.operands[1]!;
    expect(and.type === 'observation-operator' && [and.operator, and.operands.length]).toEqual(['AND', 3]);
  });

  it('keeps comparison grouping in the tree shape: (a OR b) AND c', () => {
    const c = parsePattern('[(x-t:a = 1 OR x-t:b = 2) AND x-t:c = 3]').expression;
    if (c.type !== 'observation' || c.comparison.type !== 'boolean') throw new Error('unexpected tree');
    expect(c.comparison.operator).toBe('AND');
    expect(c.comparison.operands.map((o) => (o.type === 'boolean' ? o.operator : o.path.steps[0]))).toEqual(['OR', expect.objectContaining({ name: 'c' })]);
  });

  it('keeps a group and its qualifiers apart from those inside it', () => {
    const e = parsePattern("(([x-t:p = 1] REPEATS 2 TIMES) WITHIN 10 SECONDS) START t'2020-01-01T00:00:00Z' STOP t'2020-01-02T00:00:00Z'").expression;
    expect(e.type === 'group' && e.qualifiers.map((q) => q.type)).toEqual(['start-stop']);
    if (e.type !== 'group' || e.expression.type !== 'group') throw new Error('unexpected tree');
    expect(e.expression.qualifiers.map((q) => q.type)).toEqual(['within']);
    expect(e.expression.expression.type === 'observation' && e.expression.expression.qualifiers.map((q) => q.type)).toEqual(['repeats']);
  });

  it('reads every qualifier', () => {
    const e = parsePattern("[x-t:p = 1] REPEATS +3 TIMES WITHIN 2.5 SECONDS START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00Z'").expression;
    expect(e.type === 'observation' && e.qualifiers).toEqual([
      { type: 'repeats', times: 3, text: '+3', position: 12 },
      { type: 'within', seconds: 2.5, text: '2.5', position: 29 },
      {
        type: 'start-stop',
        position: 48,
        start: { type: 'timestamp', value: '2016-06-01T01:30:00.123Z', position: 54 },
        stop: { type: 'timestamp', value: '2016-06-01T02:20:00Z', position: 87 },
      },
    ]);
  });
});

describe('parsePattern: literals', () => {
  it.each([
    [r`'it\'s'`, { type: 'string', value: "it's" }],
    [r`'C:\\dir\\'`, { type: 'string', value: 'C:\\dir\\' }],
    [`''`, { type: 'string', value: '' }],
    [`'ünïcödé ✓ \n line'`, { type: 'string', value: 'ünïcödé ✓ \n line' }],
    ['0', { type: 'int', value: 0, text: '0' }],
    ['-17', { type: 'int', value: -17, text: '-17' }],
    ['+17', { type: 'int', value: 17, text: '+17' }],
    ['7.0', { type: 'float', value: 7, text: '7.0' }],
    ['.5', { type: 'float', value: 0.5, text: '.5' }],
    ['-.5', { type: 'float', value: -0.5, text: '-.5' }],
    ['true', { type: 'bool', value: true }],
    ['false', { type: 'bool', value: false }],
    ["h'ffD8'", { type: 'hex', value: 'ffD8' }],
    ["h''", { type: 'hex', value: '' }],
    ["b'ABI='", { type: 'binary', value: 'ABI=' }],
    ["b'dGhp\ncyBp\r\ncyBh'", { type: 'binary', value: 'dGhpcyBpcyBh' }], // spec 9.2: line feeds ignored
    ["t'2014-01-13T07:03:17Z'", { type: 'timestamp', value: '2014-01-13T07:03:17Z' }],
    ["t'2016-12-31T23:59:60.123456Z'", { type: 'timestamp', value: '2016-12-31T23:59:60.123456Z' }],
  ] as const)('%s', (text, expected) => {
    expect(literal(text)).toEqual({ ...expected, position: 10 });
  });

  it.each([
    ['007', /at position 11, found the number 0/], // no leading zeros: 0, 0, 7
    ['1.', /found '\.'/],
    ['1e5', /found the name 'e5'/],
    ['TRUE', /Booleans are lower case: write true/],
    ['malware', /String literals are quoted: 'malware'/],
    ["h'abc'", /Invalid hex literal .*even number of hex digits/],
    ["h'zz'", /Invalid hex literal/],
    ["b''", /Invalid binary literal/],
    ["b'ABI'", /Invalid binary literal/],
    ["b'A==='", /Invalid binary literal/],
    ["t'2016-13-01T00:00:00Z'", /Invalid timestamp literal/],
    ["t'2016-01-01T24:00:00Z'", /Invalid timestamp literal/],
    ["t'2016-01-01T00:00:00'", /Invalid timestamp literal/],
    ["t'2016-01-01T00:00:00+01:00'", /Invalid timestamp literal/],
    ["t'2016-01-01 00:00:00Z'", /Invalid timestamp literal/],
    ["t'2016-01-01T00:00:00Z", /Unterminated timestamp literal starting at position 10/],
    [r`'a\b'`, /backslash may only be followed by ' or \\: found character 'b' after the backslash at position 12/],
    [r`'a\n'`, /found character 'n'/],
    [r`'\x41'`, /found character 'x'/],
    ["'abc", /Unterminated string literal starting at position 10/],
    [r`'abc\'`, /Unterminated string literal/],
    ["'a\u0000b'", /may not hold a NUL character \(U\+0000\): found one at position 12/],
    ['-', /Unexpected character '-' at position 10: expected a number/],
  ])('refuses %s', (text, message) => {
    expect(failure(`[x-t:pp = ${text}]`).message).toMatch(message);
  });
});

describe('parsePattern: operators', () => {
  it.each([
    ['=', '='],
    ['==', '='],
    ['!=', '!='],
    ['<>', '!='],
    ['<', '<'],
    ['<=', '<='],
    ['>', '>'],
    ['>=', '>='],
  ])('reads %s as %s', (written, read) => {
    expect(comparison(`[x-t:p ${written} 5]`).operator).toBe(read);
    expect(comparison(`[x-t:p NOT ${written} 5]`)).toMatchObject({ operator: read, negated: true });
  });

  it('reads IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET and EXISTS', () => {
    expect(comparison("[x-t:p IN ('a', 1, 2.5, true, h'00', b'AA==', t'2020-01-01T00:00:00Z')]")).toMatchObject({
      operator: 'IN',
      values: [{ type: 'string' }, { type: 'int' }, { type: 'float' }, { type: 'bool' }, { type: 'hex' }, { type: 'binary' }, { type: 'timestamp' }],
    });
    expect(comparison('[x-t:p IN ()]')).toMatchObject({ operator: 'IN', values: [] });
    for (const op of ['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']) {
      expect(comparison(`[x-t:p NOT ${op} 'v']`)).toMatchObject({ operator: op, negated: true, value: { type: 'string', value: 'v' } });
    }
    expect(comparison('[EXISTS x-t:p]')).toMatchObject({ operator: 'EXISTS', negated: false });
  });

  it.each([
    ['[x-t:p LIKE 5]', /Expected a string literal after LIKE at position 12, found the number 5/],
    ["[x-t:p MATCHES h'00']", /Expected a string literal after MATCHES/],
    ['[x-t:p > true]', /true and false only go with = and !=/],
    ["[x-t:p IN ('a',)]", /Expected a literal after IN \( at position 15, found '\)'/],
    ["[x-t:p IN ('a' 'b')]", /Expected ',' or '\)' in the IN list/],
    ["[x-t:p IN 'a']", /Expected '\(' after IN/],
    ['[NOT EXISTS x-t:p]', /Expected an object path such as file:name, '\(' or EXISTS at position 1, found the keyword NOT/],
    ['[x-t:p NOT EXISTS]', /Expected a comparison operator after NOT/],
    ["[x-t:p like 'a']", /Keywords are upper case: write LIKE/],
    ["[x-t:p ~= 'a']", /Unexpected character '~'/],
    ["[x-t:p ! 'a']", /the not-equal operator is written '!='/],
    ["[x-t:p = 'a' and x-t:q = 'b']", /Expected AND, OR or '\]' at position 13, found the name 'and'\. Keywords are upper case: write AND\./],
    ["[x-t:p = 'a'] or [x-t:q = 'b']", /Keywords are upper case: write OR/],
    ["[x-t:p = 'a'] followedby [x-t:q = 'b']", /write FOLLOWEDBY/],
    ["[x-t:p = 'a'] REPEATS 2.5 TIMES", /positive whole number after REPEATS/],
    ["[x-t:p = 'a'] REPEATS 2", /Expected TIMES after the number at position 23, found the end of the pattern/],
    ["[x-t:p = 'a'] START '2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'", /timestamp literal t'…' after START .* Timestamps are written t'2016-01-01T00:00:00Z'\./],
    ["[x-t:p = 'a'] START t'2016-01-01T00:00:00Z'", /Expected STOP after the START timestamp/],
    ["[x-t:p = 'a'] WITHIN 5 seconds", /Keywords are upper case: write SECONDS/],
  ])('refuses %s', (text, message) => {
    expect(failure(text).message).toMatch(message);
  });
});

describe('parsePattern: object paths', () => {
  it('reads properties, quoted keys, list indexes and extension names', () => {
    expect(path(r`file:extensions.'windows-pebinary-ext'.sections[*].entropy`).steps.map((s) => (s.kind === 'key' ? s.name : s.index))).toEqual([
      'extensions',
      'windows-pebinary-ext',
      'sections',
      '*',
      'entropy',
    ]);
    expect(path('network-traffic:protocols[0]').steps[1]).toEqual({ kind: 'index', index: 0, position: 33 });
    expect(path('network-traffic:protocols[-1]').steps[1]).toMatchObject({ index: -1 });
    expect(path(r`file:'name'`).steps).toEqual([{ kind: 'key', name: 'name', quoted: true, position: 13 }]);
    expect(path(r`x-t:d.'it\'s \\ here.x'`).steps[1]).toMatchObject({ name: r`it's \ here.x`, quoted: true });
    expect(path('x-usb-device:usbdrive.serial_number')).toMatchObject({ objectType: 'x-usb-device' });
    // `start` is not the keyword START (cti-pattern-validator issue 48).
    expect(path('network-traffic:start').steps[0]).toMatchObject({ name: 'start' });
  });

  it.each([
    ['[file:hashes.SHA-256 = 1]', /The property name 'SHA-256' at position 13 has a '-': quote it as 'SHA-256'\./],
    ['[type-a:property-j = 1]', /'property-j' at position 8 has a '-'/],
    ['[x-t:STOP = 1]', /'STOP' at position 5 is a reserved word: quote it as 'STOP'/],
    ['[x-t:p.true = 1]', /'true' .* is a reserved word/],
    ['[x-t:p. = 1]', /Expected a property name or a quoted key after '\.' at position 8, found '='/],
    ['[x-t:p[0.5] = 1]', /Expected a list index \(a whole number or '\*'\) at position 7, found the number 0\.5/],
    ['[x-t:p[0 = 1]', /Expected ']' after the list index/],
    ['[x-t = 1]', /Expected ':' after the object type 'x-t' at position 5, found '='/],
    ["['x-t':p = 1]", /found the string 'x-t'\. The object type is not quoted\./],
    ['[x-t:[0] = 1]', /Expected a property name at position 5, found '\['/],
  ])('refuses %s', (text, message) => {
    expect(failure(text).message).toMatch(message);
  });
});

describe('parsePattern: layout', () => {
  it('takes any Unicode whitespace and the grammar comments between tokens', () => {
    const spaces = '\t\r\n\u000b\u000c\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
    const text = `${spaces}[${spaces}x-t:p${spaces}=/* a comment */1${spaces}]// to the end of the line\n AND [x-t:q = 2]${spaces}`;
    expect(formatPattern(parsePattern(text))).toBe('[x-t:p = 1] AND [x-t:q = 2]');
    expect(formatPattern(parsePattern('[x-t:p=1]AND[x-t:q>=-2]WITHIN 1 SECONDS'))).toBe('[x-t:p = 1] AND [x-t:q >= -2] WITHIN 1 SECONDS');
  });

  it.each([
    ['', /Expected '\[' or '\(' .* at position 0, found the end of the pattern/],
    ['   ', /at position 3, found the end of the pattern/],
    ['\ufeff[x-t:p = 1]', /Unexpected character '\ufeff' at position 0/], // a BOM is not whitespace
    ['[x-t:p = 1] /* open', /Unterminated comment starting at position 12/],
    ['[x-t:p = 1', /Expected AND, OR or '\]' at position 10, found the end of the pattern/],
    ['[x-t:p = 1]]', /Expected AND, OR, FOLLOWEDBY, a qualifier \(WITHIN, REPEATS, START\) or the end of the pattern at position 11, found '\]'/],
    ['([x-t:p = 1]', /Expected AND, OR, FOLLOWEDBY, a qualifier or '\)' at position 12/],
    ['[]', /Expected an object path such as file:name/],
    ['()', /Expected '\[' or '\(' \(an observation\) at position 1/],
    ['[x-t:p = 1] AND', /Expected '\[' or '\(' \(an observation\) at position 15, found the end of the pattern/],
    ['[x-t:p = 1] [x-t:q = 2]', /at position 12, found '\['/],
  ])('refuses %j', (text, message) => {
    expect(failure(text).message).toMatch(message);
  });

  it('throws PatternError, a StixError with code INVALID_INPUT and the position', () => {
    const e = failure("[x-t:p = 'a'] within 5 SECONDS");
    expect(e).toBeInstanceOf(PatternError);
    expect(e.name).toBe('PatternError');
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.position).toBe(14);
    expect(e.message).not.toContain('\n');
    expect(() => parsePattern(42 as unknown as string)).toThrow(/must be a string/);
  });
});
