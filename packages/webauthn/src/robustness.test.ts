import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseAuthenticatorData,
  parseCoseKey,
  parseStoredAssertion,
  verifyAssertion,
  verifyStoredAssertion,
  WebAuthnError,
  type AssertionToVerify,
  type StoredAssertion,
} from './index.ts';
import {
  authenticatorData,
  base64Url,
  bytesEqualForTest,
  CHALLENGE,
  CborEntries,
  clientData,
  encodeCbor,
  FLAGS,
  generateTestKey,
  makeAssertion,
  ORIGIN,
  RawCbor,
  RP_ID,
  type CborInput,
  type TestAlgorithm,
  type TestAssertion,
} from './test-helpers.ts';

// Whatever arrives from outside, every entry point either succeeds or throws a WebAuthnError —
// never a TypeError or RangeError from deep inside, never an out-of-bounds read, never a hang.

function onlyWebAuthnErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebAuthnError);
  }
}

async function onlyWebAuthnRejections(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebAuthnError);
  }
}

const ALGORITHMS: readonly TestAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];
const KEYS = Object.fromEntries(ALGORITHMS.map((a) => [a, generateTestKey(a)])) as Record<
  TestAlgorithm,
  ReturnType<typeof generateTestKey>
>;
const ASSERTIONS = Object.fromEntries(ALGORITHMS.map((a) => [a, makeAssertion(KEYS[a])])) as Record<
  TestAlgorithm,
  TestAssertion
>;

const algorithm = fc.constantFrom(...ALGORITHMS);

/** `bytes`, changed in one to four places. */
function mutated(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.nat(255) }),
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.nat(40) }),
        fc.record({
          kind: fc.constant('insert' as const),
          at: fc.nat(),
          bytes: fc.uint8Array({ maxLength: 40 }),
        }),
        fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((mutations) => {
      let out = bytes.slice();
      for (const mutation of mutations) {
        const at = out.length === 0 ? 0 : mutation.at % out.length;
        switch (mutation.kind) {
          case 'set':
            if (out.length > 0) out[at] = mutation.byte;
            break;
          case 'flip':
            if (out.length > 0) out[at]! ^= 1 << mutation.bit;
            break;
          case 'cut':
            out = Uint8Array.of(...out.subarray(0, at), ...out.subarray(at + mutation.length));
            break;
          case 'insert':
            out = Uint8Array.of(...out.subarray(0, at), ...mutation.bytes, ...out.subarray(at));
            break;
          case 'truncate':
            out = out.slice(0, at);
            break;
        }
      }
      return out;
    });
}

/** CBOR items of any shape the decoder knows, and some it refuses. */
const cborItem: fc.Arbitrary<CborInput> = fc.letrec<{ item: CborInput }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -300, max: 300 }),
    fc.constantFrom(1, 2, 3, 4, 6, -1, -2, -3, -4, -7, -8, -257, 2n ** 64n - 1n, -(2n ** 64n)),
    fc.uint8Array({ maxLength: 70 }),
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(
      ...['f93c00', 'f7', 'c100', '5f40ff', 'ff', '1817', '62c328'].map(
        (hexText) => new RawCbor(Uint8Array.from(Buffer.from(hexText, 'hex'))),
      ),
    ),
    fc.array(tie('item'), { maxLength: 4 }),
    fc
      .array(fc.tuple(tie('item'), tie('item')), { maxLength: 6 })
      .map((entries) => new CborEntries(entries)),
  ),
})).item;

/** COSE-key-like maps: the right labels with values right or wrong. */
const coseLike = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(1, 2, 3, 4, -1, -2, -3, -4, -5), cborItem),
      fc.oneof(
        fc.constantFrom<CborInput>(1, 2, 3, 6, -7, -8, -257, true),
        fc.uint8Array({ minLength: 31, maxLength: 33 }),
        cborItem,
      ),
    ),
    { maxLength: 7 },
  )
  .map((entries) => encodeCbor(new CborEntries(entries)));

const anyKeyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 120 }),
  algorithm.chain((a) => mutated(KEYS[a].cose)),
  coseLike,
  cborItem.map((item) => encodeCbor(item)),
);

/** Authenticator data of every shape: random, mutated, and built with each flag and part. */
const anyAuthenticatorData = fc.oneof(
  fc.uint8Array({ maxLength: 120 }),
  algorithm.chain((a) => mutated(ASSERTIONS[a].authenticatorData)),
  fc
    .tuple(
      fc.nat(255),
      fc.oneof(
        fc.constant(new Uint8Array(0)),
        fc.uint8Array({ maxLength: 60 }),
        fc
          .tuple(fc.nat(1100), fc.uint8Array({ maxLength: 40 }), anyKeyBytes)
          .map(([length, id, key]) =>
            Uint8Array.of(...new Uint8Array(16), length >> 8, length & 0xff, ...id, ...key),
          ),
        cborItem.map((item) => encodeCbor(item)),
      ),
      fc.oneof(
        fc.constant(new Uint8Array(0)),
        cborItem.map((item) => encodeCbor(item)),
      ),
    )
    .map(([flags, attested, extensions]) =>
      authenticatorData({ flags, rest: Uint8Array.of(...attested, ...extensions) }),
    ),
);

const jsonValue = fc.oneof(
  fc.string(),
  fc.constantFrom('webauthn.get', 'webauthn.create', base64Url(CHALLENGE), ORIGIN, true, false),
  fc.jsonValue({ maxDepth: 2 }),
);

const anyClientData = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => new TextEncoder().encode(text)),
  algorithm.chain((a) => mutated(ASSERTIONS[a].clientDataJSON)),
  fc
    .record(
      {
        type: jsonValue,
        challenge: jsonValue,
        origin: jsonValue,
        crossOrigin: jsonValue,
        topOrigin: jsonValue,
      },
      { requiredKeys: [] },
    )
    .map((fields) => clientData(fields)),
  fc
    .constantFrom('[', '[]', 'null', '"x"', '1e999', '{"__proto__":{}}', '['.repeat(100_000))
    .map((text) => new TextEncoder().encode(text)),
);

const anySignature = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  algorithm.chain((a) => mutated(ASSERTIONS[a].signature)),
);

const anything = fc.oneof(
  fc.anything({ withNullPrototype: true, withTypedArray: true, withBigInt: true }),
  fc.uint8Array(),
  fc.string(),
);

describe('outside input', () => {
  it('yields only WebAuthnErrors from random, mutated and structured COSE keys', () => {
    fc.assert(
      fc.property(anyKeyBytes, (bytes) => {
        onlyWebAuthnErrors(() => parseCoseKey(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('yields only WebAuthnErrors from authenticator data of any shape', () => {
    fc.assert(
      fc.property(anyAuthenticatorData, (bytes) => {
        onlyWebAuthnErrors(() => parseAuthenticatorData(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('yields only WebAuthnErrors from assertions of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        algorithm,
        fc.oneof(fc.constant(undefined), anyKeyBytes),
        fc.oneof(fc.constant(undefined), anyAuthenticatorData),
        fc.oneof(fc.constant(undefined), anyClientData),
        fc.oneof(fc.constant(undefined), anySignature),
        fc.boolean(),
        async (a, key, authData, clientDataJSON, signature, requireUserVerification) => {
          const assertion: AssertionToVerify = {
            publicKey: key ?? KEYS[a].cose,
            authenticatorData: authData ?? ASSERTIONS[a].authenticatorData,
            clientDataJSON: clientDataJSON ?? ASSERTIONS[a].clientDataJSON,
            signature: signature ?? ASSERTIONS[a].signature,
            expectedChallenge: CHALLENGE,
            rpId: RP_ID,
            origins: [ORIGIN],
            requireUserVerification,
          };
          await onlyWebAuthnRejections(() => verifyAssertion(assertion));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('accepts none of the mutated assertions, unless the mutation changed nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        algorithm.chain((a) =>
          fc.tuple(
            fc.constant(a),
            fc
              .constantFrom('authenticatorData', 'clientDataJSON', 'signature' as const)
              .chain((part) => fc.tuple(fc.constant(part), mutated(ASSERTIONS[a][part]))),
          ),
        ),
        async ([a, [part, bytes]]) => {
          const assertion = { ...ASSERTIONS[a], [part]: bytes };
          try {
            await verifyAssertion({
              publicKey: KEYS[a].cose,
              ...assertion,
              expectedChallenge: CHALLENGE,
              rpId: RP_ID,
              origins: [ORIGIN],
            });
          } catch (error) {
            expect(error).toBeInstanceOf(WebAuthnError);
            return;
          }
          expect(bytesEqualForTest(bytes, ASSERTIONS[a][part])).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('yields only WebAuthnErrors from stored assertions of any shape', async () => {
    const stored: StoredAssertion = {
      credentialId: 'AQIDBA',
      authenticatorData: base64Url(ASSERTIONS.ES256.authenticatorData),
      clientDataJSON: base64Url(ASSERTIONS.ES256.clientDataJSON),
      signature: base64Url(ASSERTIONS.ES256.signature),
    };
    const field = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'AZaz09-_=+/ ') }),
      anyAuthenticatorData.map(base64Url),
      anyClientData.map(base64Url),
      anySignature.map(base64Url),
      anything,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            credentialId: field,
            authenticatorData: field,
            clientDataJSON: field,
            signature: field,
            extra: anything,
          },
          { requiredKeys: [] },
        ),
        async (changes) => {
          const value = { ...stored, ...changes } as unknown;
          onlyWebAuthnErrors(() => parseStoredAssertion(value));
          await onlyWebAuthnRejections(() =>
            verifyStoredAssertion(value as StoredAssertion, {
              publicKey: KEYS.ES256.cose,
              expectedChallenge: CHALLENGE,
              rpId: RP_ID,
              origins: [ORIGIN],
            }),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('yields only WebAuthnErrors from arguments of any type', async () => {
    await fc.assert(
      fc.asyncProperty(anything, anything, anything, anything, async (a, b, c, d) => {
        onlyWebAuthnErrors(() => parseCoseKey(a as Uint8Array));
        onlyWebAuthnErrors(() => parseAuthenticatorData(a as Uint8Array));
        onlyWebAuthnErrors(() => parseStoredAssertion(a));
        await onlyWebAuthnRejections(() => verifyAssertion(a as AssertionToVerify));
        await onlyWebAuthnRejections(() =>
          verifyAssertion({
            publicKey: a as Uint8Array,
            authenticatorData: b as Uint8Array,
            clientDataJSON: c as Uint8Array,
            signature: d as Uint8Array,
            expectedChallenge: b as Uint8Array,
            rpId: c as string,
            origins: d as string[],
            requireUserVerification: a as boolean,
          }),
        );
        await onlyWebAuthnRejections(() =>
          verifyAssertion({
            ...ASSERTIONS.EdDSA,
            publicKey: KEYS.EdDSA.cose,
            expectedChallenge: a as Uint8Array,
            rpId: b as string,
            origins: c as string[],
            requireUserVerification: d as boolean,
          }),
        );
        await onlyWebAuthnRejections(() =>
          verifyStoredAssertion(
            a as StoredAssertion,
            b as Parameters<typeof verifyStoredAssertion>[1],
          ),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('holds for flags and parts that make well-formed but unusual authenticator data', async () => {
    await fc.assert(
      fc.asyncProperty(algorithm, fc.nat(255), fc.nat(0xffffffff), async (a, flags, signCount) => {
        const assertion = makeAssertion(KEYS[a], {
          authenticatorData: authenticatorData({
            flags: flags & ~(FLAGS.AT | FLAGS.ED),
            signCount,
          }),
        });
        await onlyWebAuthnRejections(() =>
          verifyAssertion({
            publicKey: KEYS[a].cose,
            ...assertion,
            expectedChallenge: CHALLENGE,
            rpId: RP_ID,
            origins: [ORIGIN],
            requireUserVerification: false,
          }),
        );
      }),
      { numRuns: 300 },
    );
  });
});
