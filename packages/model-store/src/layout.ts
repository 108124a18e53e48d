import { join } from 'node:path';

/**
 * The store's layout on disk, the same for the server's store and an agent's cache: `sha256/<hex>.onnx` for
 * models in place, `tmp/` for files still being written.
 */
export function modelPath(dir: string, sha256: string): string {
  return join(dir, 'sha256', `${sha256}.onnx`);
}

export function modelsDir(dir: string): string {
  return join(dir, 'sha256');
}

export function tmpDir(dir: string): string {
  return join(dir, 'tmp');
}
