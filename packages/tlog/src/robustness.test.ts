import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TlogError } from './errors.ts';
import {
  cosignatureMessage,
  decodeBase64,
  decodeEntryBundle,
  formatCheckpoint,
  inclusionProofNodes,
  nodeFromTiles,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseTilePath,
  parseVerifierKey,
  tileForNode,
  verifyConsistency,
  verifyCosignature,
  verifyInclusion,
  type NodeId,
} from './index.ts';

// Whatever arrives from outside, every entry point either succeeds or throws a TlogError, never
// a TypeError or RangeError from deep inside.

function onlyTlogErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TlogError);
  }
}

async function onlyTlogRejections(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(TlogError);
  }
}

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('tile/0/', 'tile/entries/x001/', '— ', '\n\n', 'PRIVATE+KEY+a+', 'a+00000000+'),
);
const textLike = fc.oneof(
  text,
  fc.tuple(text, text, text).map((parts) => parts.join('\n')),
  fc.tuple(text, text).map(([a, b]) => `${a}\n\n— ${b}\n`),
);
const anything = fc.oneof(fc.anything(), textLike, fc.uint8Array(), fc.double(), fc.bigInt());

describe('outside input', () => {
  it('yields only TlogErrors from the parsers', () => {
    fc.assert(
      fc.property(textLike, (input) => {
        onlyTlogErrors(() => parseTilePath(input));
        onlyTlogErrors(() => parseCheckpoint(input));
        onlyTlogErrors(() => parseVerifierKey(input));
        onlyTlogErrors(() => decodeBase64(input));
        onlyTlogErrors(() => cosignatureMessage(input, 1));
      }),
      { numRuns: 2000 },
    );
  });

  it('yields only TlogErrors from the asynchronous parsers', async () => {
    await fc.assert(
      fc.asyncProperty(textLike, async (input) => {
        await onlyTlogRejections(() => parseSignerKey(`PRIVATE+KEY+${input}`));
        await onlyTlogRejections(() => openNote(input, []));
        await onlyTlogRejections(() => openNote(new TextEncoder().encode(input), []));
      }),
      { numRuns: 500 },
    );
  });

  it('yields only TlogErrors from bundles, proofs and tiles of any shape', () => {
    fc.assert(
      fc.property(anything, anything, anything, anything, (a, b, c, d) => {
        onlyTlogErrors(() => decodeEntryBundle(a as Uint8Array));
        onlyTlogErrors(() => decodeEntryBundle(new Uint8Array(8), b as number));
        onlyTlogErrors(() =>
          verifyInclusion(a as Uint8Array, b as number, c as number, d as [], a as Uint8Array),
        );
        onlyTlogErrors(() =>
          verifyConsistency(a as number, b as number, c as [], d as Uint8Array, d as Uint8Array),
        );
        onlyTlogErrors(() => inclusionProofNodes(a as number, b as number));
        onlyTlogErrors(() => tileForNode(a as NodeId, b as number));
        onlyTlogErrors(() => tileForNode({ level: a as number, index: b as number }, c as number));
        onlyTlogErrors(() => nodeFromTiles({ level: 0, index: 0 }, 1, () => a as Uint8Array));
        onlyTlogErrors(() =>
          formatCheckpoint({
            origin: a as string,
            size: b as number,
            rootHash: c as Uint8Array,
            extensions: d as [],
          }),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('yields only TlogErrors from cosignature verification', async () => {
    await fc.assert(
      fc.asyncProperty(anything, anything, async (a, b) => {
        await onlyTlogRejections(() =>
          verifyCosignature(
            'o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n',
            a as Uint8Array,
            b as Uint8Array,
          ),
        );
      }),
      { numRuns: 300 },
    );
  });
});
