import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex, thrownCode, toHex } from './test-helpers.ts';
import { WireReader, WireWriter } from './wire.ts';

function reader(bytes: Uint8Array): WireReader {
  return new WireReader(bytes, 'SSH_BAD_CERTIFICATE', 'the test blob');
}

// RFC 4251 §5, the examples of mpint encodings.
const MPINTS: [bigint, string][] = [
  [0n, '00000000'],
  [0x9a378f9b2e332a7n, '0000000809a378f9b2e332a7'],
  [0x80n, '000000020080'],
  [-0x1234n, '00000002edcc'],
  [-0xdeadbeefn, '00000005ff21524111'],
];

describe('SSH data types (RFC 4251 §5)', () => {
  it('encode and decode the mpint examples of RFC 4251', () => {
    for (const [value, encoding] of MPINTS) {
      expect(toHex(new WireWriter().writeMpint(value).finish())).toBe(encoding);
      const r = reader(hex(encoding));
      expect(r.readMpint('x')).toBe(value);
      r.expectEnd();
    }
  });

  it('encode the other types as RFC 4251 says', () => {
    const bytes = new WireWriter()
      .writeByte(7)
      .writeUint32(0x29b7f4aa)
      .writeUint64(0xfedcba9876543210n)
      .writeString('testing')
      .writeNameList(['zlib', 'none'])
      .writeNameList([])
      .finish();
    expect(toHex(bytes)).toBe(
      '07' +
        '29b7f4aa' +
        'fedcba9876543210' +
        '0000000774657374696e67' +
        '000000097a6c69622c6e6f6e65' +
        '00000000',
    );
    const r = reader(bytes);
    expect(r.readByte('byte')).toBe(7);
    expect(r.readUint32('uint32')).toBe(0x29b7f4aa);
    expect(r.readUint64('uint64')).toBe(0xfedcba9876543210n);
    expect(r.readText('string')).toBe('testing');
    expect(r.readNameList('name-list')).toEqual(['zlib', 'none']);
    expect(r.readNameList('name-list')).toEqual([]);
    expect(r.remaining).toBe(0);
  });

  it('write small mpints in their minimal forms', () => {
    expect(toHex(new WireWriter().writeMpint(-1n).finish())).toBe('00000001ff');
    expect(toHex(new WireWriter().writeMpint(-128n).finish())).toBe('0000000180');
    expect(toHex(new WireWriter().writeMpint(-129n).finish())).toBe('00000002ff7f');
    expect(toHex(new WireWriter().writeMpint(127n).finish())).toBe('000000017f');
    expect(toHex(new WireWriter().writeMpint(256n).finish())).toBe('000000020100');
  });

  it('refuses mpints that are not minimal', () => {
    for (const encoding of ['0000000100', '00000002007f', '00000002ff80', '00000003000080']) {
      expect(thrownCode(() => reader(hex(encoding)).readMpint('the serial'))).toBe(
        'SSH_BAD_CERTIFICATE',
      );
    }
  });

  it('refuses lengths beyond the end, with the code it was given', () => {
    for (const encoding of ['ffffffff', '80000000', '00000005aabbccdd', '000000', '']) {
      expect(thrownCode(() => reader(hex(encoding)).readString('the key id'))).toBe(
        'SSH_BAD_CERTIFICATE',
      );
    }
    expect(thrownCode(() => reader(hex('00000000')).readUint64('the serial'))).toBe(
      'SSH_BAD_CERTIFICATE',
    );
    expect(thrownCode(() => reader(hex('')).readByte('the byte'))).toBe('SSH_BAD_CERTIFICATE');
    expect(thrownCode(() => reader(hex('00')).expectEnd())).toBe('SSH_BAD_CERTIFICATE');
    expect(thrownCode(() => reader(hex('0102')).readBytes(-1, 'x'))).toBe('SSH_BAD_CERTIFICATE');
  });

  it('names the field and what the bytes are in its messages', () => {
    expect(() => reader(hex('ffffffff')).readString('the key id')).toThrow(
      'the test blob: the key id is truncated (4294967295 bytes announced, 0 left)',
    );
  });

  it('refuses name-lists with empty names, spaces or bytes outside printable US-ASCII', () => {
    for (const list of [',', 'a,', ',a', 'a,,b', 'a b', 'ä', 'a\x7f', 'a\0']) {
      const bytes = new WireWriter().writeString(list).finish();
      expect(thrownCode(() => reader(bytes).readNameList('the names'))).toBe('SSH_BAD_CERTIFICATE');
    }
    for (const names of [[''], ['a,b'], ['a b'], ['ä']]) {
      expect(thrownCode(() => new WireWriter().writeNameList(names))).toBe('SSH_BAD_ARGUMENT');
    }
  });

  it('refuses text that is not UTF-8 or holds a NUL', () => {
    for (const encoding of ['00000001ff', '00000002c328']) {
      expect(thrownCode(() => reader(hex(encoding)).readText('the key id'))).toBe(
        'SSH_BAD_CERTIFICATE',
      );
    }
    expect(thrownCode(() => reader(hex('000000026100')).readText('the key id'))).toBe(
      'SSH_BAD_CERTIFICATE',
    );
  });

  it('refuses to write values out of range', () => {
    for (const run of [
      () => new WireWriter().writeUint32(-1),
      () => new WireWriter().writeUint32(2 ** 32),
      () => new WireWriter().writeUint32(1.5),
      () => new WireWriter().writeUint64(-1n),
      () => new WireWriter().writeUint64(1n << 64n),
      () => new WireWriter().writeUint64(1 as unknown as bigint),
      () => new WireWriter().writeByte(256),
      () => new WireWriter().writeMpint(1 as unknown as bigint),
      () => new WireWriter().writeString(null as unknown as string),
      () => new WireWriter().writeBytes([1] as unknown as Uint8Array),
    ]) {
      expect(thrownCode(run)).toBe('SSH_BAD_ARGUMENT');
    }
  });

  it('reads back what it writes', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 600n), max: 1n << 600n }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.nat({ max: 0xffff_ffff }),
        fc.uint8Array({ maxLength: 100 }),
        fc.array(fc.stringMatching(/^[\x21-\x2b\x2d-\x7e]{1,20}$/), { maxLength: 5 }),
        (mpint, uint64, uint32, string, names) => {
          const r = reader(
            new WireWriter()
              .writeMpint(mpint)
              .writeUint64(uint64)
              .writeUint32(uint32)
              .writeString(string)
              .writeNameList(names)
              .finish(),
          );
          expect(r.readMpint('mpint')).toBe(mpint);
          expect(r.readUint64('uint64')).toBe(uint64);
          expect(r.readUint32('uint32')).toBe(uint32);
          expect(r.readString('string')).toEqual(string);
          expect(r.readNameList('names')).toEqual(names);
          r.expectEnd();
        },
      ),
    );
  });

  it('throws only SshErrors whatever it reads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(6)), (bytes, steps) => {
        const r = reader(bytes);
        for (const step of steps) {
          const code = thrownCode(() => {
            switch (step) {
              case 0:
                return r.readByte('x');
              case 1:
                return r.readUint32('x');
              case 2:
                return r.readUint64('x');
              case 3:
                return r.readString('x');
              case 4:
                return r.readMpint('x');
              case 5:
                return r.readNameList('x');
              default:
                return r.readText('x');
            }
          });
          expect(['no error', 'SSH_BAD_CERTIFICATE']).toContain(code);
        }
      }),
    );
  });
});
