import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { overrideFreeDimensions } from '@ortfleet/core';

/**
 * The model as a session should see it: its path, or its bytes with the spec's free dimensions written in.
 * A model loaded from bytes finds its external data files (if any) through the folder config entry.
 */
export async function modelSource(
  path: string,
  options: ort.InferenceSession.SessionOptions,
  freeDimensions: Record<string, number> | undefined,
): Promise<{ model: string | Uint8Array; options: ort.InferenceSession.SessionOptions }> {
  if (!freeDimensions) return { model: path, options };
  const extra = {
    ...(options.extra as Record<string, string> | undefined),
    'session.model_external_initializers_file_folder_path': dirname(path),
  };
  return {
    model: overrideFreeDimensions(await readFile(path), freeDimensions),
    options: { ...options, extra },
  };
}
