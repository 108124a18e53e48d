import { open, type FileHandle } from 'node:fs/promises';

/** ModelProto.graph, GraphProto.output, ValueInfoProto.name. */
const MODEL_GRAPH = 7;
const GRAPH_OUTPUT = 12;
const VALUE_INFO_NAME = 1;

class Reader {
  constructor(
    private readonly file: FileHandle,
    public pos: number,
  ) {}

  async bytes(length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.file.read(buffer, 0, length, this.pos);
    if (bytesRead !== length) throw new Error('the file ends inside a field');
    this.pos += length;
    return buffer;
  }

  async varint(): Promise<number> {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const [byte] = await this.bytes(1);
      value += (byte! & 0x7f) * 2 ** shift;
      if (byte! < 0x80) return value;
    }
    throw new Error('a varint longer than 10 bytes');
  }

  /** Skips the payload of a field of the given wire type. */
  async skip(wireType: number): Promise<void> {
    if (wireType === 0) await this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) {
      // Read the length first: `this.pos += await ...` would add it to the position from before the varint.
      const length = await this.varint();
      this.pos += length;
    } else if (wireType === 5) this.pos += 4;
    else throw new Error(`wire type ${wireType}`);
  }
}

function nameOf(valueInfo: Buffer): string {
  let pos = 0;
  while (pos < valueInfo.length) {
    let tag = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = valueInfo[pos++]!;
      tag += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte >= 0x80);
    let length = 0;
    shift = 0;
    do {
      byte = valueInfo[pos++]!;
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte >= 0x80);
    if (tag === (VALUE_INFO_NAME << 3) + 2) return valueInfo.subarray(pos, pos + length).toString('utf8');
    pos += length;
  }
  return '';
}

/**
 * The graph's output names, read from the file by seeking over everything else (weights included), so that
 * naming the outputs of a multi-gigabyte model neither reads it nor adds it to the process's peak memory.
 */
export async function graphOutputNames(path: string): Promise<string[]> {
  const file = await open(path);
  try {
    const size = (await file.stat()).size;
    const model = new Reader(file, 0);
    while (model.pos < size) {
      const tag = await model.varint();
      if (tag !== (MODEL_GRAPH << 3) + 2) {
        await model.skip(tag & 7);
        continue;
      }
      const end = (await model.varint()) + model.pos;
      const names: string[] = [];
      const graph = new Reader(file, model.pos);
      while (graph.pos < end) {
        const graphTag = await graph.varint();
        if (graphTag === (GRAPH_OUTPUT << 3) + 2) names.push(nameOf(await graph.bytes(await graph.varint())));
        else await graph.skip(graphTag & 7);
      }
      return names;
    }
    throw new Error('it has no graph');
  } finally {
    await file.close();
  }
}
