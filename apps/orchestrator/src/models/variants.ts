import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/**
 * Sibling file suffixes by precision, in the names that exporters and model hubs use (`model_fp16.onnx`).
 * For int8 the first existing name wins: `_int8` is ours, `_quantized` is the older hub name for the same.
 */
const SUFFIXES: [precision: string, suffixes: string[]][] = [
  ['fp16', ['fp16']],
  ['int8', ['int8', 'quantized']],
  ['uint8', ['uint8']],
  ['q4', ['q4']],
  ['q4f16', ['q4f16']],
  ['bnb4', ['bnb4']],
];

/** Where the variant of `fp32Path` for `suffix` lives: `dir/model.onnx` → `dir/model_fp16.onnx`. */
export function variantPath(fp32Path: string, suffix: string): string {
  const ext = extname(fp32Path);
  return join(dirname(fp32Path), `${basename(fp32Path, ext)}_${suffix}${ext}`);
}

/** The precision variants lying next to an fp32 model file, by precision (fp32 itself not included). */
export function detectVariants(fp32Path: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [precision, suffixes] of SUFFIXES) {
    const path = suffixes.map((s) => variantPath(fp32Path, s)).find((p) => existsSync(p) && statSync(p).isFile());
    if (path) found[precision] = path;
  }
  return found;
}
