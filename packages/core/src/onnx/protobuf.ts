/**
 * A minimal protobuf wire-format reader and writer: enough to walk ONNX's ModelProto without a schema and to
 * re-encode the few messages ortfleet rewrites. Payloads are views into the input, never copies, so a model's
 * weights are not duplicated just to be skipped.
 */

export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

export interface Field {
  number: number;
  wireType: number;
  /** The value of a varint field as a signed 64-bit integer (0 for other wire types). */
  value: number;
  /** The payload of a length-delimited field: a view into the message (empty for other wire types). */
  data: Uint8Array;
  /** Where the whole field, tag included, lies in the message, so that it can be copied unchanged. */
  start: number;
  end: number;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** Reads the varint at `pos`: its value (int64 semantics: 10-byte encodings are negative) and the next position. */
export function readVarint(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  // Seven bytes carry 49 bits, which a double holds exactly; longer ones need BigInt for the sign and the top bits.
  for (let i = 0; i < 7; i++) {
    const b = bytes[pos + i];
    if (b === undefined) throw new Error(`truncated varint at byte ${pos}`);
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return [value, pos + i + 1];
  }
  let big = BigInt(value);
  for (let i = 7; i < 10; i++) {
    const b = bytes[pos + i];
    if (b === undefined) throw new Error(`truncated varint at byte ${pos}`);
    big |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return [Number(BigInt.asIntN(64, big)), pos + i + 1];
  }
  throw new Error(`varint longer than 10 bytes at byte ${pos}`);
}

/** Iterates the fields of one message, checking that each lies within it. */
export function* fields(message: Uint8Array): Generator<Field> {
  let pos = 0;
  while (pos < message.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(message, pos);
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (number < 1) throw new Error(`invalid field number ${number} at byte ${start}`);
    let value = 0;
    let data = EMPTY;
    if (wireType === VARINT) {
      [value, pos] = readVarint(message, afterTag);
    } else if (wireType === LENGTH_DELIMITED) {
      const [length, afterLength] = readVarint(message, afterTag);
      pos = afterLength + length;
      if (length < 0 || pos > message.length)
        throw new Error(`field ${number} at byte ${start} runs past the end of its message`);
      data = message.subarray(afterLength, pos);
    } else if (wireType === FIXED64 || wireType === FIXED32) {
      pos = afterTag + (wireType === FIXED64 ? 8 : 4);
      if (pos > message.length) throw new Error(`field ${number} at byte ${start} runs past the end of its message`);
    } else {
      throw new Error(`unsupported wire type ${wireType} for field ${number} at byte ${start}`);
    }
    yield { number, wireType, value, data, start, end: pos };
  }
}

/** Decodes a UTF-8 string payload. */
export function decodeString(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

/** The values of a packed repeated varint field. */
export function packedVarints(data: Uint8Array): number[] {
  const values: number[] = [];
  for (let pos = 0; pos < data.length;) {
    const [value, next] = readVarint(data, pos);
    values.push(value);
    pos = next;
  }
  return values;
}

/** Encodes an integer as a varint; a negative one as its 64-bit two's complement (10 bytes), as protobuf's int64 does. */
export function encodeVarint(value: number): Uint8Array {
  const bytes: number[] = [];
  if (value < 0) {
    let big = BigInt.asUintN(64, BigInt(value));
    while (big >= 0x80n) {
      bytes.push(Number((big & 0x7fn) | 0x80n));
      big >>= 7n;
    }
    bytes.push(Number(big));
    return Uint8Array.from(bytes);
  }
  // Division, not bit shifts: shifts would cut values above 2^31.
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

/** Encodes a varint field. */
export function encodeVarintField(number: number, value: number): Uint8Array {
  return concatBytes([encodeVarint(number * 8 + VARINT), encodeVarint(value)]);
}

/** Encodes a length-delimited field. */
export function encodeLengthDelimited(number: number, data: Uint8Array): Uint8Array {
  return concatBytes([encodeVarint(number * 8 + LENGTH_DELIMITED), encodeVarint(data.length), data]);
}

/** Joins byte arrays into one. */
export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/**
 * Re-encodes `message` with the payload of each length-delimited field `number` replaced by `rewrite(payload)`;
 * every other field keeps its bytes. Returns `message` itself when `rewrite` returned every payload unchanged.
 */
export function rewriteFields(
  message: Uint8Array,
  number: number,
  rewrite: (payload: Uint8Array) => Uint8Array,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  let changed = false;
  for (const f of fields(message)) {
    const payload = f.number === number && f.wireType === LENGTH_DELIMITED ? rewrite(f.data) : f.data;
    if (payload === f.data) {
      chunks.push(message.subarray(f.start, f.end));
    } else {
      chunks.push(encodeLengthDelimited(number, payload));
      changed = true;
    }
  }
  return changed ? concatBytes(chunks) : message;
}
