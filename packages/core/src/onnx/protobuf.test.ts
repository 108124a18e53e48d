import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  encodeLengthDelimited,
  encodeVarint,
  encodeVarintField,
  fields,
  FIXED32,
  FIXED64,
  LENGTH_DELIMITED,
  packedVarints,
  readVarint,
  rewriteFields,
  VARINT,
} from './protobuf';

describe('readVarint', () => {
  it('reads one- and multi-byte values, returning the next position', () => {
    expect(readVarint(Uint8Array.from([0x05]), 0)).toEqual([5, 1]);
    expect(readVarint(Uint8Array.from([0xff, 0xac, 0x02]), 1)).toEqual([300, 3]);
  });

  it('reads values past 32 bits exactly', () => {
    for (const v of [2 ** 31, 2 ** 32 + 7, 2 ** 48 + 1, 2 ** 53 - 1]) expect(readVarint(encodeVarint(v), 0)[0]).toBe(v);
  });

  it('reads 10-byte encodings as negative int64', () => {
    const minusOne = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(readVarint(minusOne, 0)).toEqual([-1, 10]);
  });

  it('rejects truncated and over-long varints', () => {
    expect(() => readVarint(Uint8Array.from([0x80, 0x80]), 0)).toThrow('truncated varint at byte 0');
    expect(() => readVarint(new Uint8Array(11).fill(0x80), 0)).toThrow('longer than 10 bytes');
  });
});

describe('fields', () => {
  const message = concatBytes([
    encodeVarintField(1, 150),
    Uint8Array.from([(2 << 3) | FIXED64, 1, 2, 3, 4, 5, 6, 7, 8]),
    encodeLengthDelimited(3, Uint8Array.from([9, 9, 9])),
    Uint8Array.from([(4 << 3) | FIXED32, 1, 2, 3, 4]),
  ]);

  it('walks every wire type, with each field’s extent', () => {
    expect(
      [...fields(message)].map(({ number, wireType, value, start, end }) => ({ number, wireType, value, start, end })),
    ).toEqual([
      { number: 1, wireType: VARINT, value: 150, start: 0, end: 3 },
      { number: 2, wireType: FIXED64, value: 0, start: 3, end: 12 },
      { number: 3, wireType: LENGTH_DELIMITED, value: 0, start: 12, end: 17 },
      { number: 4, wireType: FIXED32, value: 0, start: 17, end: 22 },
    ]);
  });

  it('gives length-delimited payloads as views, not copies', () => {
    const payload = [...fields(message)][2]!.data;
    expect([...payload]).toEqual([9, 9, 9]);
    expect(payload.buffer).toBe(message.buffer);
  });

  it('rejects fields that run past the message, and group wire types', () => {
    expect(() => [...fields(message.subarray(0, 16))]).toThrow('field 3 at byte 12 runs past the end of its message');
    expect(() => [...fields(message.subarray(0, 20))]).toThrow('field 4 at byte 17 runs past the end of its message');
    expect(() => [...fields(Uint8Array.from([(5 << 3) | 3]))]).toThrow('unsupported wire type 3 for field 5');
    expect(() => [...fields(Uint8Array.from([0x00, 0x00]))]).toThrow('invalid field number 0');
  });
});

describe('packedVarints', () => {
  it('reads every value of a packed field', () => {
    expect(packedVarints(concatBytes([encodeVarint(1), encodeVarint(300), encodeVarint(2 ** 40)]))).toEqual([
      1,
      300,
      2 ** 40,
    ]);
  });
});

describe('rewriteFields', () => {
  const message = concatBytes([
    encodeVarintField(1, 7),
    encodeLengthDelimited(2, Uint8Array.from([1])),
    encodeLengthDelimited(3, Uint8Array.from([2])),
  ]);

  it('returns the message itself when nothing changes', () => {
    expect(rewriteFields(message, 2, (payload) => payload)).toBe(message);
  });

  it('replaces the payload, recomputing its length, and copies the other fields', () => {
    const long = new Uint8Array(200).fill(4);
    const rewritten = rewriteFields(message, 2, () => long);
    expect([...fields(rewritten)].map((f) => [f.number, f.value, f.data.length])).toEqual([
      [1, 7, 0],
      [2, 0, 200],
      [3, 0, 1],
    ]);
    expect(rewritten.length).toBe(message.length - 1 + 200 + 1);
  });
});
