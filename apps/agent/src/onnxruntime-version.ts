import { createRequire } from 'node:module';

/** The onnxruntime-node release this agent runs (the Python tools that prepare models should be the same release). */
export function onnxruntimeNodeVersion(): string {
  return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
}
