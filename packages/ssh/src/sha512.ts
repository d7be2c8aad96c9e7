// SHA-512 as specified in FIPS 180-4, in plain JavaScript. An SSHSIG signature signs the SHA-512
// of its message (PROTOCOL.sshsig §3); WebCrypto's digest costs an asynchronous job whose overhead
// is many times the hashing of a statement's few hundred bytes, and replaying a log hashes one
// message per signature. Words are 64 bits, kept as pairs of 32-bit halves (high, low).

// FIPS 180-4 §4.2.3: the first 64 bits of the fractional parts of the cube roots of the first
// 80 primes, as (high, low) pairs.
const K = new Int32Array([
  0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc,
  0x3956c25b, 0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118,
  0xd807aa98, 0xa3030242, 0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2,
  0x72be5d74, 0xf27b896f, 0x80deb1fe, 0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694,
  0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3, 0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65,
  0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc, 0xbd41fbd4, 0x76f988da, 0x831153b5,
  0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f, 0xbf597fc7, 0xbeef0ee4,
  0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967, 0x0a0e6e70,
  0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
  0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b,
  0xa2bfe8a1, 0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30,
  0xd192e819, 0xd6ef5218, 0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8,
  0x19a4c116, 0xb8d2d0c8, 0x1e376c08, 0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8,
  0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb, 0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3,
  0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814, 0xa1f0ab72, 0x8cc70208, 0x1a6439ec,
  0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915, 0xc67178f2, 0xe372532b,
  0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f, 0xee6ed178,
  0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
  0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c,
  0x4cc5d4be, 0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
]);

// FIPS 180-4 §5.3.5: the first 64 bits of the fractional parts of the square roots of the first
// 8 primes, as (high, low) pairs.
const H0 = [
  0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b, 0xa54ff53a, 0x5f1d36f1,
  0x510e527f, 0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab, 0xfb41bd6b, 0x5be0cd19, 0x137e2179,
];

// The message schedule is scratch space; hashing is synchronous, so one pair of arrays serves
// every call.
const WH = new Int32Array(80);
const WL = new Int32Array(80);

const TWO_32 = 0x1_0000_0000;

/**
 * FIPS 180-4 §6.4.2: process the 128-byte block at `offset`, updating `state` (eight (high, low)
 * pairs) in place. 64-bit sums add the low halves as unsigned numbers, exact in a double, and
 * carry what exceeds 32 bits into the high half.
 */
function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const i = offset + t * 8;
    WH[t] = (block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!;
    WL[t] = (block[i + 4]! << 24) | (block[i + 5]! << 16) | (block[i + 6]! << 8) | block[i + 7]!;
  }
  for (let t = 16; t < 80; t++) {
    // σ0(x) = ROTR¹ ⊕ ROTR⁸ ⊕ SHR⁷, σ1(x) = ROTR¹⁹ ⊕ ROTR⁶¹ ⊕ SHR⁶
    const h15 = WH[t - 15]!;
    const l15 = WL[t - 15]!;
    const s0h = ((h15 >>> 1) | (l15 << 31)) ^ ((h15 >>> 8) | (l15 << 24)) ^ (h15 >>> 7);
    const s0l =
      ((l15 >>> 1) | (h15 << 31)) ^ ((l15 >>> 8) | (h15 << 24)) ^ ((l15 >>> 7) | (h15 << 25));
    const h2 = WH[t - 2]!;
    const l2 = WL[t - 2]!;
    const s1h = ((h2 >>> 19) | (l2 << 13)) ^ ((l2 >>> 29) | (h2 << 3)) ^ (h2 >>> 6);
    const s1l = ((l2 >>> 19) | (h2 << 13)) ^ ((h2 >>> 29) | (l2 << 3)) ^ ((l2 >>> 6) | (h2 << 26));
    const low = (s1l >>> 0) + (WL[t - 7]! >>> 0) + (s0l >>> 0) + (WL[t - 16]! >>> 0);
    WH[t] = (s1h + WH[t - 7]! + s0h + WH[t - 16]! + ((low / TWO_32) | 0)) | 0;
    WL[t] = low | 0;
  }
  let ah = state[0]!;
  let al = state[1]!;
  let bh = state[2]!;
  let bl = state[3]!;
  let ch = state[4]!;
  let cl = state[5]!;
  let dh = state[6]!;
  let dl = state[7]!;
  let eh = state[8]!;
  let el = state[9]!;
  let fh = state[10]!;
  let fl = state[11]!;
  let gh = state[12]!;
  let gl = state[13]!;
  let hh = state[14]!;
  let hl = state[15]!;
  for (let t = 0; t < 80; t++) {
    // Σ1(e) = ROTR¹⁴ ⊕ ROTR¹⁸ ⊕ ROTR⁴¹, Ch(e, f, g) = (e ∧ f) ⊕ (¬e ∧ g)
    const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
    const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
    const chh = (eh & fh) ^ (~eh & gh);
    const chl = (el & fl) ^ (~el & gl);
    // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
    const t1low = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (K[2 * t + 1]! >>> 0) + (WL[t]! >>> 0);
    const t1h = (hh + S1h + chh + K[2 * t]! + WH[t]! + ((t1low / TWO_32) | 0)) | 0;
    const t1l = t1low | 0;
    // Σ0(a) = ROTR²⁸ ⊕ ROTR³⁴ ⊕ ROTR³⁹, Maj(a, b, c) = (a ∧ b) ⊕ (a ∧ c) ⊕ (b ∧ c)
    const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
    const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
    const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
    const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
    // T2 = Σ0(a) + Maj(a, b, c)
    const t2low = (S0l >>> 0) + (majl >>> 0);
    const t2h = (S0h + majh + ((t2low / TWO_32) | 0)) | 0;
    const t2l = t2low | 0;
    hh = gh;
    hl = gl;
    gh = fh;
    gl = fl;
    fh = eh;
    fl = el;
    const elow = (dl >>> 0) + (t1l >>> 0);
    eh = (dh + t1h + ((elow / TWO_32) | 0)) | 0;
    el = elow | 0;
    dh = ch;
    dl = cl;
    ch = bh;
    cl = bl;
    bh = ah;
    bl = al;
    const alow = (t1l >>> 0) + (t2l >>> 0);
    ah = (t1h + t2h + ((alow / TWO_32) | 0)) | 0;
    al = alow | 0;
  }
  add(state, 0, ah, al);
  add(state, 2, bh, bl);
  add(state, 4, ch, cl);
  add(state, 6, dh, dl);
  add(state, 8, eh, el);
  add(state, 10, fh, fl);
  add(state, 12, gh, gl);
  add(state, 14, hh, hl);
}

/** Adds the 64-bit word (high, low) to the pair of `state` at `i`. */
function add(state: Int32Array, i: number, high: number, low: number): void {
  const sum = (state[i + 1]! >>> 0) + (low >>> 0);
  state[i] = (state[i]! + high + ((sum / TWO_32) | 0)) | 0;
  state[i + 1] = sum | 0;
}

/** SHA-512 (FIPS 180-4) of `data`, synchronously. */
export function sha512(data: Uint8Array): Uint8Array {
  const state = new Int32Array(H0);
  const fullBlocks = Math.floor(data.length / 128);
  for (let i = 0; i < fullBlocks; i++) {
    compress(state, data, i * 128);
  }

  // FIPS 180-4 §5.1.2: append 0x80, zeros, and the message length in bits as a 128-bit integer
  // (a Uint8Array's length in bits fits in 53 bits, so the upper 64 stay zero).
  const rest = data.length - fullBlocks * 128;
  const tail = new Uint8Array(rest < 112 ? 128 : 256);
  tail.set(data.subarray(fullBlocks * 128));
  tail[rest] = 0x80;
  const bits = data.length * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bits / TWO_32));
  view.setUint32(tail.length - 4, bits >>> 0);
  for (let offset = 0; offset < tail.length; offset += 128) {
    compress(state, tail, offset);
  }

  const digest = new Uint8Array(64);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 16; i++) {
    out.setInt32(i * 4, state[i]!);
  }
  return digest;
}
