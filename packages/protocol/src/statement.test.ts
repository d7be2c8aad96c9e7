import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical-json.ts';
import {
  decodeStatement,
  encodeStatement,
  isStatementProblem,
  type Statement,
} from './statement.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const notice: Statement = {
  v: 1,
  type: 'notice',
  time: '2026-11-26T12:00:00.000Z',
  actor: 'coop',
  body: { text: 'Grüße aus der Genossenschaft' },
};

describe('canonical JSON (RFC 8785)', () => {
  it('sorts members by UTF-16 code units and writes no white space', () => {
    // The sorting example of RFC 8785 §3.2.3: "😀" (U+D83D U+DE00) sorts between "€" (U+20AC)
    // and "דּ" (U+FB33), because UTF-16 code units are compared, not code points.
    const value = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\ud83d\ude00': 'Smiley',
      '\u0080': 'Ctl',
      '\u00f6': 'ö',
    };
    expect(canonicalize(value)).toBe(
      '{"\\r":"CR","1":"One","\u0080":"Ctl","\u00f6":"ö","\u20ac":"Euro","\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}',
    );
  });

  it('writes numbers and strings as ECMAScript does (RFC 8785 §3.2.2)', () => {
    expect(canonicalize([1e21, 1e-7, -0, 0.000001, 333333333.3333333, '\u001f\u2028"'])).toBe(
      '[1e+21,1e-7,0,0.000001,333333333.3333333,"\\u001f\u2028\\""]',
    );
  });

  it('refuses what JSON cannot hold exactly', () => {
    expect(() => canonicalize(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalize('\ud800')).toThrow(/lone surrogate/);
    expect(() => canonicalize(10n)).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalize(cycle)).toThrow(/cycle/);
  });

  it('is stable: parsing and canonicalizing again gives the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalize(value);
        expect(canonicalize(JSON.parse(once))).toBe(once);
      }),
    );
  });
});

describe('statements', () => {
  it('encode canonically and decode to the same statement', () => {
    const encoded = encodeStatement(notice);
    if (isStatementProblem(encoded)) throw new Error(encoded.message);
    expect(new TextDecoder().decode(encoded)).toBe(
      '{"actor":"coop","body":{"text":"Grüße aus der Genossenschaft"},"time":"2026-11-26T12:00:00.000Z","type":"notice","v":1}',
    );
    expect(decodeStatement(encoded)).toEqual(notice);
  });

  it('refuse entries that are not canonical, not JSON, unknown or too large', () => {
    const reason = (entry: Uint8Array) => {
      const decoded = decodeStatement(entry);
      return isStatementProblem(decoded) ? decoded.reason : 'ok';
    };
    expect(reason(bytes(JSON.stringify(notice, null, 1)))).toBe('not-canonical');
    expect(reason(new Uint8Array([0xff, 0xfe]))).toBe('not-json');
    expect(reason(bytes('{"v":1'))).toBe('not-json');
    expect(reason(bytes(canonicalize({ ...notice, type: 'member.admitted' })))).toBe('invalid');
    expect(reason(bytes(canonicalize({ ...notice, extra: 1 })))).toBe('invalid');
    expect(reason(bytes(canonicalize({ ...notice, actor: 'Admin' })))).toBe('invalid');
    expect(reason(new Uint8Array(70_000))).toBe('too-large');
    const huge = encodeStatement({ ...notice, body: { text: 'ü'.repeat(10_000) } });
    expect(isStatementProblem(huge) ? huge.reason : 'ok').toBe('ok');
  });

  it('refuse notices without text', () => {
    const blank = encodeStatement({ ...notice, body: { text: ' \n ' } });
    expect(isStatementProblem(blank) && blank.message).toMatch(/a notice needs some text/);
  });
});
