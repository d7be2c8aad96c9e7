import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, type CDPSession, type Page } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CborMap, decodeCbor } from './cbor.ts';
import type * as WebAuthn from './index.ts';
import {
  parseAuthenticatorData,
  parseCoseKey,
  parseStoredAssertion,
  verifyAssertion,
  verifyStoredAssertion,
  type StoredAssertion,
} from './index.ts';
import {
  coseKeyOf,
  flipBit,
  fromBase64Url,
  rejectedCode,
  sha256,
  type TestAlgorithm,
} from './test-helpers.ts';
import { launchChromium } from '../../../test/support/chromium.ts';

// A real WebAuthn client: Debian's Chromium, headless, with a CDP virtual authenticator (a
// CTAP2 platform authenticator with user verification). It registers passkeys of each
// algorithm, signs a statement's digest with navigator.credentials.get(), and this package
// verifies the assertions — in Node, and in the same Chromium with the package's own source.

const RP_ID = 'localhost';
const SOURCE = fileURLToPath(new URL('.', import.meta.url));
const BYTES_SOURCE = fileURLToPath(new URL('../../bytes/src/index.ts', import.meta.url));

/** Statements in canonical JSON (RFC 8785), as the log holds them. */
const STATEMENT =
  '{"actor":"grace","body":{"host":"mail-1","login":"root","request":"b9c1e7","ticket":42},"time":"2025-03-14T09:26:53Z","type":"access.approved"}';
const OTHER_STATEMENT = STATEMENT.replace('"root"', '"admin"');

const PAGE = `<!doctype html>
<html lang="en">
<title>Allmende passkey test</title>
<script type="importmap">{ "imports": { "@allmende/bytes": "/bytes/index.ts" } }</script>
<script type="module">
  import * as webauthn from '/webauthn/index.ts';
  window.allmendeWebAuthn = webauthn;
</script>
<p>Approve with your passkey.</p>
</html>`;

/** The package's source as JavaScript, type annotations stripped, for the browser to import. */
async function javaScriptOf(path: string): Promise<string> {
  const source = await readFile(path, 'utf8');
  return ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  }).outputText;
}

let server: Server;
let browser: Browser;
let page: Page;
let cdp: CDPSession;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const library = /^\/webauthn\/([a-z0-9-]+)\.ts$/.exec(url.pathname);
      if (url.pathname === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      } else if (library && !library[1]!.endsWith('test') && library[1] !== 'test-helpers') {
        const code = await javaScriptOf(`${SOURCE}${library[1]}.ts`);
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
      } else if (url.pathname === '/bytes/index.ts') {
        const code = await javaScriptOf(BYTES_SOURCE);
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
      } else {
        response.writeHead(404).end();
      }
    })().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;

  browser = await launchChromium();
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  // http://localhost is a secure context, as WebAuthn requires; the server listens on 127.0.0.1.
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'allmendeWebAuthn' in window);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

type Registration = {
  rawId: number[];
  algorithm: number;
  /** getPublicKey(): SubjectPublicKeyInfo in DER. */
  spki: number[];
  authenticatorData: number[];
  attestationObject: number[];
};

/**
 * navigator.credentials.create() for one algorithm, as the web app would call it: a passkey,
 * that is a discoverable credential, unless `discoverable` is false (Chromium's virtual
 * authenticator stores three discoverable credentials at most).
 */
function register(algorithm: number, discoverable = true): Promise<Registration> {
  return page.evaluate(
    async ({ alg, discoverable }) => {
      const bytes = (buffer: ArrayBuffer): number[] => Array.from(new Uint8Array(buffer));
      const credential = (await navigator.credentials.create({
        publicKey: {
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          rp: { id: 'localhost', name: 'Allmende test cooperative' },
          user: {
            id: crypto.getRandomValues(new Uint8Array(16)),
            name: 'grace',
            displayName: 'Grace',
          },
          pubKeyCredParams: [{ type: 'public-key', alg }],
          authenticatorSelection: {
            residentKey: discoverable ? 'required' : 'discouraged',
            userVerification: 'required',
          },
          attestation: 'none',
        },
      })) as PublicKeyCredential;
      const response = credential.response as AuthenticatorAttestationResponse;
      return {
        rawId: bytes(credential.rawId),
        algorithm: response.getPublicKeyAlgorithm(),
        spki: bytes(response.getPublicKey()!),
        authenticatorData: bytes(response.getAuthenticatorData()),
        attestationObject: bytes(response.attestationObject),
      };
    },
    { alg: algorithm, discoverable },
  );
}

type Signed = {
  /** The challenge the page computed: SHA-256 of the statement. */
  challenge: number[];
  /** PublicKeyCredential.toJSON(), WebAuthn §5.1.8. */
  json: {
    id: string;
    rawId: string;
    type: string;
    response: { authenticatorData: string; clientDataJSON: string; signature: string };
  };
};

/** navigator.credentials.get() with the statement's digest as challenge. */
function sign(rawId: number[], statement: string): Promise<Signed> {
  return page.evaluate(
    async ({ rawId, statement }) => {
      const challenge = new Uint8Array(
        await crypto.subtle.digest('SHA-256', new TextEncoder().encode(statement)),
      );
      const credential = (await navigator.credentials.get({
        publicKey: {
          challenge,
          rpId: 'localhost',
          allowCredentials: [{ type: 'public-key', id: new Uint8Array(rawId) }],
          userVerification: 'required',
        },
      })) as PublicKeyCredential;
      return {
        challenge: Array.from(challenge),
        json: credential.toJSON() as Signed['json'],
      };
    },
    { rawId, statement },
  );
}

function storedFrom(signed: Signed): StoredAssertion {
  return {
    credentialId: signed.json.id,
    authenticatorData: signed.json.response.authenticatorData,
    clientDataJSON: signed.json.response.clientDataJSON,
    signature: signed.json.response.signature,
  };
}

const ALGORITHMS: [TestAlgorithm, number][] = [
  ['ES256', -7],
  ['EdDSA', -8],
  ['RS256', -257],
];

describe.each(ALGORITHMS)('a passkey of Chromium (%s)', (algorithm, alg) => {
  let registration: Registration;
  let credentialPublicKey: Uint8Array;

  beforeAll(async () => {
    registration = await register(alg);
  });

  it('has a credential public key that parses, and matches getPublicKey()', () => {
    expect(registration.algorithm).toBe(alg);
    const authData = parseAuthenticatorData(Uint8Array.from(registration.authenticatorData));
    expect(authData.rpIdHash).toEqual(sha256(RP_ID));
    expect(authData.flags).toMatchObject({
      userPresent: true,
      userVerified: true,
      attestedCredentialData: true,
    });
    const attested = authData.attestedCredentialData!;
    expect(attested.credentialId).toEqual(Uint8Array.from(registration.rawId));
    credentialPublicKey = attested.credentialPublicKey;

    // The attestation object (WebAuthn §6.5.4) is CBOR too: { fmt, attStmt, authData }.
    const attestation = decodeCbor(
      Uint8Array.from(registration.attestationObject),
      'WEBAUTHN_BAD_AUTHENTICATOR_DATA',
      'the attestation object',
    );
    expect(attestation).toBeInstanceOf(CborMap);
    expect((attestation as CborMap).get('fmt')).toBe('none');
    expect((attestation as CborMap).get('authData')).toEqual(
      Uint8Array.from(registration.authenticatorData),
    );

    // The same key as the SPKI that the browser hands out, converted by node:crypto.
    const fromSpki = coseKeyOf(
      createPublicKey({
        key: Buffer.from(registration.spki),
        format: 'der',
        type: 'spki',
      }),
      algorithm,
    );
    const parsed = parseCoseKey(credentialPublicKey);
    expect({ ...parsed, raw: null }).toEqual({ ...parseCoseKey(fromSpki), raw: null });
    expect(parsed.alg).toBe(alg);
  });

  it('signs a statement whose digest is the challenge, and the assertion verifies in Node', async () => {
    const signed = await sign(registration.rawId, STATEMENT);
    expect(Uint8Array.from(signed.challenge)).toEqual(sha256(STATEMENT));
    const response = signed.json.response;
    const clientData = JSON.parse(
      Buffer.from(fromBase64Url(response.clientDataJSON)).toString('utf8'),
    ) as Record<string, unknown>;
    expect(clientData).toMatchObject({ type: 'webauthn.get', origin, crossOrigin: false });

    const verified = await verifyAssertion({
      publicKey: credentialPublicKey,
      authenticatorData: fromBase64Url(response.authenticatorData),
      clientDataJSON: fromBase64Url(response.clientDataJSON),
      signature: fromBase64Url(response.signature),
      expectedChallenge: sha256(STATEMENT),
      rpId: RP_ID,
      origins: [origin],
    });
    expect(verified.userVerified).toBe(true);

    // As the log stores it: toJSON()'s fields, through JSON and the defensive parser.
    const stored = parseStoredAssertion(JSON.parse(JSON.stringify(storedFrom(signed))));
    expect(fromBase64Url(stored.credentialId)).toEqual(Uint8Array.from(registration.rawId));
    await expect(
      verifyStoredAssertion(stored, {
        publicKey: parseCoseKey(credentialPublicKey),
        expectedChallenge: sha256(STATEMENT),
        rpId: RP_ID,
        origins: [origin],
      }),
    ).resolves.toEqual(verified);

    // The signature counter grows with every assertion.
    const again = await sign(registration.rawId, STATEMENT);
    const next = await verifyStoredAssertion(storedFrom(again), {
      publicKey: credentialPublicKey,
      expectedChallenge: sha256(STATEMENT),
      rpId: RP_ID,
      origins: [origin],
    });
    expect(next.signCount).toBeGreaterThan(verified.signCount);
  });

  it('refuses the real assertion for another statement, origin, RP ID, key or signature', async () => {
    const signed = await sign(registration.rawId, STATEMENT);
    const stored = storedFrom(signed);
    const options = {
      publicKey: credentialPublicKey,
      expectedChallenge: sha256(STATEMENT),
      rpId: RP_ID,
      origins: [origin],
    };
    const refused = (changes: Partial<typeof options>, what: StoredAssertion = stored) =>
      rejectedCode(() => verifyStoredAssertion(what, { ...options, ...changes }));

    expect(await refused({ expectedChallenge: sha256(OTHER_STATEMENT) })).toBe(
      'WEBAUTHN_WRONG_CHALLENGE',
    );
    expect(await refused({ origins: ['https://coop.example'] })).toBe('WEBAUTHN_WRONG_ORIGIN');
    expect(await refused({ rpId: 'coop.example' })).toBe('WEBAUTHN_WRONG_RP');
    const other = await register(alg, false);
    const otherKey = parseAuthenticatorData(Uint8Array.from(other.authenticatorData))
      .attestedCredentialData!.credentialPublicKey;
    expect(await refused({ publicKey: otherKey })).toBe('WEBAUTHN_BAD_SIGNATURE');
    const signature = fromBase64Url(stored.signature);
    const flipped = {
      ...stored,
      signature: Buffer.from(flipBit(signature, signature.length * 8 - 9)).toString('base64url'),
    };
    expect(await refused({}, flipped)).toBe('WEBAUTHN_BAD_SIGNATURE');
  });

  it('verifies in the browser too, with the same source', async () => {
    const signed = await sign(registration.rawId, STATEMENT);
    const results = await page.evaluate(
      async ({ stored, key, statement, otherStatement }) => {
        // The page imported the package's source as modules (see PAGE).
        const webauthn = (window as unknown as { allmendeWebAuthn: typeof WebAuthn })
          .allmendeWebAuthn;
        const digest = async (text: string) =>
          new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
        const options = {
          publicKey: new Uint8Array(key),
          rpId: 'localhost',
          origins: [location.origin],
        };
        const valid = await webauthn.verifyStoredAssertion(stored, {
          ...options,
          expectedChallenge: await digest(statement),
        });
        let refusal = 'no error';
        try {
          await webauthn.verifyStoredAssertion(stored, {
            ...options,
            expectedChallenge: await digest(otherStatement),
          });
        } catch (error) {
          refusal = error instanceof webauthn.WebAuthnError ? error.code : String(error);
        }
        return { valid, refusal };
      },
      {
        stored: storedFrom(signed),
        key: Array.from(credentialPublicKey),
        statement: STATEMENT,
        otherStatement: OTHER_STATEMENT,
      },
    );
    expect(results.valid.userVerified).toBe(true);
    expect(results.refusal).toBe('WEBAUTHN_WRONG_CHALLENGE');
  });
});

describe('a passkey without user verification', () => {
  it('is refused unless user verification is not required', async () => {
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'usb',
        hasResidentKey: false,
        hasUserVerification: false,
        isUserVerified: false,
      },
    });
    try {
      const signed = await page.evaluate(async (statement) => {
        const rp = { id: 'localhost', name: 'Allmende test cooperative' };
        const created = (await navigator.credentials.create({
          publicKey: {
            challenge: new Uint8Array(16),
            rp,
            user: { id: new Uint8Array(16), name: 'ada', displayName: 'Ada' },
            pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
            authenticatorSelection: {
              authenticatorAttachment: 'cross-platform',
              userVerification: 'discouraged',
            },
          },
        })) as PublicKeyCredential;
        const challenge = new Uint8Array(
          await crypto.subtle.digest('SHA-256', new TextEncoder().encode(statement)),
        );
        const assertion = (await navigator.credentials.get({
          publicKey: {
            challenge,
            rpId: rp.id,
            allowCredentials: [{ type: 'public-key', id: created.rawId }],
            userVerification: 'discouraged',
          },
        })) as PublicKeyCredential;
        const response = created.response as AuthenticatorAttestationResponse;
        return {
          authenticatorData: Array.from(new Uint8Array(response.getAuthenticatorData())),
          assertion: assertion.toJSON() as Signed['json'],
        };
      }, STATEMENT);
      const key = parseAuthenticatorData(Uint8Array.from(signed.authenticatorData))
        .attestedCredentialData!.credentialPublicKey;
      const stored = storedFrom({ challenge: [], json: signed.assertion });
      const options = {
        publicKey: key,
        expectedChallenge: sha256(STATEMENT),
        rpId: RP_ID,
        origins: [origin],
      };
      expect(await rejectedCode(() => verifyStoredAssertion(stored, options))).toBe(
        'WEBAUTHN_USER_NOT_VERIFIED',
      );
      await expect(
        verifyStoredAssertion(stored, { ...options, requireUserVerification: false }),
      ).resolves.toMatchObject({ userVerified: false });
    } finally {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    }
  });
});
