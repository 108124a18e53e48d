import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { writeDecoderModel } from '../../../../test/support/decoder-model';
import { tempHome } from '../../../../test/support/env';
import { generationOutputLocations } from './measure-generation';
import { graphOutputNames } from './output-names';

describe('graphOutputNames', () => {
  it("reads a model's output names as onnxruntime-node lists them, seeking over the weights", async () => {
    const path = writeDecoderModel(join(tempHome(), 'decoder.onnx'));
    const session = await ort.InferenceSession.create(path);
    expect(await graphOutputNames(path)).toEqual(session.outputNames);
    await session.release();
  });

  it('refuses a file without a graph', async () => {
    const path = join(tempHome(), 'empty.onnx');
    writeFileSync(path, Uint8Array.from([0x08, 0x08]));
    await expect(graphOutputNames(path)).rejects.toThrow('it has no graph');
  });
});

describe('generationOutputLocations', () => {
  it('keeps every output but the logits on the device', () => {
    expect(generationOutputLocations(['logits', 'present.0.key', 'present.0.value'])).toEqual({
      logits: 'cpu',
      'present.0.key': 'gpu-buffer',
      'present.0.value': 'gpu-buffer',
    });
  });
});
