/**
 * age X25519 recipients ("age1…"): Bech32 (BIP 173) with the human-readable part "age" and a
 * 32-byte Curve25519 public key (age spec, "The X25519 recipient type"). Sealed transcripts are
 * encrypted to these, so a mistyped recipient must be refused, not sealed to nobody.
 */

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const CHECKSUM_LENGTH = 6;

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    GENERATORS.forEach((generator, i) => {
      if ((top >>> i) & 1) checksum ^= generator;
    });
  }
  return checksum;
}

function expandHrp(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >>> 5), 0, ...codes.map((c) => c & 31)];
}

/**
 * Decodes a lowercase Bech32 string (BIP 173): its human-readable part and its data as 5-bit
 * groups, or undefined if it is malformed or its checksum is wrong.
 */
export function decodeBech32(text: string): { hrp: string; words: number[] } | undefined {
  const separator = text.lastIndexOf('1');
  if (separator < 1 || text.length - separator - 1 < CHECKSUM_LENGTH || text.length > 1000) {
    return undefined;
  }
  const hrp = text.slice(0, separator);
  if (!/^[\x21-\x7e]+$/.test(hrp) || hrp !== hrp.toLowerCase()) return undefined;
  const words = [...text.slice(separator + 1)].map((c) => CHARSET.indexOf(c));
  if (words.some((w) => w < 0)) return undefined;
  if (polymod([...expandHrp(hrp), ...words]) !== 1) return undefined;
  return { hrp, words: words.slice(0, -CHECKSUM_LENGTH) };
}

/** Encodes data as lowercase Bech32 (BIP 173) under the human-readable part `hrp`. */
export function encodeBech32(hrp: string, bytes: Uint8Array): string {
  const words = regroup([...bytes], 8, 5);
  const checksum = polymod([...expandHrp(hrp), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const tail = Array.from({ length: CHECKSUM_LENGTH }, (_, i) => (checksum >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...words, ...tail].map((w) => CHARSET[w]).join('')}`;
}

/** Regroups bits, padding the last group with zeros; undefined if `strict` and padding is not zero. */
function regroup(values: readonly number[], from: number, to: number): number[];
function regroup(
  values: readonly number[],
  from: number,
  to: number,
  strict: true,
): number[] | undefined;
function regroup(values: readonly number[], from: number, to: number, strict = false) {
  let buffer = 0;
  let bits = 0;
  const out: number[] = [];
  for (const value of values) {
    buffer = (buffer << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((buffer >>> bits) & ((1 << to) - 1));
    }
    buffer &= (1 << bits) - 1;
  }
  if (strict) return bits >= from || buffer !== 0 ? undefined : out;
  if (bits > 0) out.push((buffer << (to - bits)) & ((1 << to) - 1));
  return out;
}

/** The 32-byte X25519 public key of an age recipient, or undefined if it is not one. */
export function parseAgeRecipient(text: string): Uint8Array | undefined {
  const decoded = decodeBech32(text);
  if (decoded?.hrp !== 'age') return undefined;
  const bytes = regroup(decoded.words, 5, 8, true);
  return bytes?.length === 32 ? Uint8Array.from(bytes) : undefined;
}

/** The age recipient of an X25519 public key. */
export function formatAgeRecipient(publicKey: Uint8Array): string {
  return encodeBech32('age', publicKey);
}
