import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Argon2id (RFC 9106) with OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane. The
 * hash is stored as a PHC string, `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, salt and hash
 * in unpadded base64 (PHC string format), so that the parameters can grow later and old
 * hashes still verify.
 */
export const ARGON2_PARAMETERS = { memory: 19_456, passes: 2, parallelism: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

type Argon2Setting = { memory: number; passes: number; parallelism: number };
type ParsedHash = Argon2Setting & { salt: Buffer; hash: Buffer };

// The PHC string comes from our own database, yet parse it strictly: a damaged row must not
// make argon2 allocate gigabytes.
const PHC =
  /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,86})\$([A-Za-z0-9+/]{22,86})$/;
const MAX_MEMORY = 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, ARGON2_PARAMETERS, HASH_BYTES);
  const { memory, passes, parallelism } = ARGON2_PARAMETERS;
  return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${b64(salt)}$${b64(hash)}`;
}

/**
 * Whether `password` matches the PHC string, compared in constant time; `outdated` when the
 * hash was made with other parameters than today's and should be replaced.
 * @throws Error when `phc` is not an argon2id PHC string this code could have written
 */
export async function verifyPassword(
  password: string,
  phc: string,
): Promise<{ matches: boolean; outdated: boolean }> {
  const parsed = parseHash(phc);
  const derived = await derive(password, parsed.salt, parsed, parsed.hash.length);
  const matches = timingSafeEqual(derived, parsed.hash);
  const outdated =
    parsed.memory !== ARGON2_PARAMETERS.memory ||
    parsed.passes !== ARGON2_PARAMETERS.passes ||
    parsed.parallelism !== ARGON2_PARAMETERS.parallelism ||
    parsed.hash.length !== HASH_BYTES;
  return { matches, outdated };
}

function parseHash(phc: string): ParsedHash {
  const match = PHC.exec(phc);
  if (!match) throw new Error('not an argon2id PHC string');
  const [, m, t, p, salt, hash] = match;
  const parsed = {
    memory: Number(m),
    passes: Number(t),
    parallelism: Number(p),
    salt: Buffer.from(salt ?? '', 'base64'),
    hash: Buffer.from(hash ?? '', 'base64'),
  };
  if (
    parsed.parallelism < 1 ||
    parsed.passes < 1 ||
    parsed.memory < 8 * parsed.parallelism ||
    parsed.memory > MAX_MEMORY
  ) {
    throw new Error('argon2id parameters out of range');
  }
  return parsed;
}

function derive(
  password: string,
  salt: Buffer,
  setting: Argon2Setting,
  tagLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      { message: password, nonce: salt, tagLength, ...pick(setting) },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

const pick = ({ memory, passes, parallelism }: Argon2Setting) => ({ memory, passes, parallelism });
const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
