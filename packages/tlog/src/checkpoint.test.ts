import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './bytes.ts';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { emptyTreeHash } from './merkle.ts';
import { generateNoteKeys, openNote, parseSignerKey, parseVerifierKey, signNote } from './note.ts';
import { thrownCode, toHex } from './test-helpers.ts';

// The example of C2SP tlog-checkpoint.
const EXAMPLE =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const ROOT = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';

describe('checkpoints', () => {
  it('parse and format the example of C2SP tlog-checkpoint', () => {
    const checkpoint = parseCheckpoint(EXAMPLE);
    expect(checkpoint).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      rootHash: decodeBase64(ROOT),
      extensions: [],
    });
    expect(formatCheckpoint(checkpoint)).toBe(EXAMPLE);
  });

  it('carry extension lines', () => {
    const text = `${EXAMPLE}first extension\nsecond: ✓\n`;
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint.extensions).toEqual(['first extension', 'second: ✓']);
    expect(formatCheckpoint(checkpoint)).toBe(text);
  });

  it('format the empty tree and the largest size', () => {
    const empty = { origin: 'o', size: 0, rootHash: emptyTreeHash() };
    expect(formatCheckpoint(empty)).toBe('o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
    const largest = { ...empty, size: Number.MAX_SAFE_INTEGER };
    expect(parseCheckpoint(formatCheckpoint(largest)).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('round-trip (property)', () => {
    const line = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
      .filter((l) => [...l].every((c) => c >= ' '));
    fc.assert(
      fc.property(
        line,
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(line, { maxLength: 3 }),
        (origin, size, rootHash, extensions) => {
          const text = formatCheckpoint({ origin, size, rootHash, extensions });
          expect(parseCheckpoint(text)).toEqual({ origin, size, rootHash, extensions });
        },
      ),
    );
  });

  it('reject malformed texts', () => {
    const [origin, size, root] = ['example.com/log', '5', ROOT];
    const bad = [
      '',
      '\n',
      `${origin}\n${size}\n${root}`,
      `${origin}\n${size}\n`,
      `${origin}\n${size}\n${root}\n\n`,
      `${origin}\n${size}\n${root}\n\nextension\n`,
      `\n${size}\n${root}\n`,
      `${origin}\n\n${root}\n`,
      `${origin}\r\n${size}\r\n${root}\r\n`,
      `${origin}\t\n${size}\n${root}\n`,
      `${origin}\ud800\n${size}\n${root}\n`,
      ...[
        '05',
        '00',
        '-1',
        '+1',
        ' 1',
        '1 ',
        '1.0',
        '1e3',
        '0x10',
        '٥',
        '9007199254740992',
        '99999999999999999999',
      ].map((s) => `${origin}\n${s}\n${root}\n`),
      ...[
        encodeBase64(new Uint8Array(31)),
        encodeBase64(new Uint8Array(33)),
        ROOT.slice(0, -1),
        ROOT.replace('=', ''),
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=',
        ` ${ROOT}`,
        ROOT.replace('/', '_'),
      ].map((r) => `${origin}\n${size}\n${r}\n`),
    ];
    for (const text of bad) {
      expect(
        thrownCode(() => parseCheckpoint(text)),
        JSON.stringify(text),
      ).toBe('TLOG_BAD_CHECKPOINT');
    }
    expect(thrownCode(() => parseCheckpoint(null as unknown as string))).toBe(
      'TLOG_BAD_CHECKPOINT',
    );
  });

  it('refuse to format what they could not parse', () => {
    const good = { origin: 'o', size: 1, rootHash: new Uint8Array(32) };
    const bad = [
      { ...good, origin: '' },
      { ...good, origin: 'a\nb' },
      { ...good, origin: 'a\u0000' },
      { ...good, size: -1 },
      { ...good, size: 1.5 },
      { ...good, size: 2 ** 53 },
      { ...good, rootHash: new Uint8Array(31) },
      { ...good, extensions: [''] },
      { ...good, extensions: ['a\nb'] },
      { ...good, extensions: 'ext' as unknown as string[] },
    ];
    for (const checkpoint of bad) {
      expect(thrownCode(() => formatCheckpoint(checkpoint))).toBe('TLOG_BAD_CHECKPOINT');
    }
  });

  it('are signed and opened as notes', async () => {
    const { signerKey, verifierKey } = await generateNoteKeys('example.org/log');
    const text = formatCheckpoint({
      origin: 'example.org/log',
      size: 3,
      rootHash: new Uint8Array(32),
    });
    const note = await signNote(text, await parseSignerKey(signerKey));
    const opened = await openNote(note, [parseVerifierKey(verifierKey)]);
    const checkpoint = parseCheckpoint(opened.text);
    expect(checkpoint.size).toBe(3);
    expect(toHex(checkpoint.rootHash)).toBe('00'.repeat(32));
  });
});
