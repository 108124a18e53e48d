/** An ONNX file is a ModelProto, which starts with its ir_version field: tag byte 0x08. */
const IR_VERSION_TAG = 0x08;

/**
 * Why a file cannot be an ONNX model, from its first byte (undefined: the file is empty); undefined when it
 * may be one. A file that passes may still be broken: ONNX Runtime says how when a cell loads it.
 */
export function notOnnxReason(firstByte: number | undefined): string | undefined {
  if (firstByte === undefined) return 'is empty';
  if (firstByte === IR_VERSION_TAG) return undefined;
  return `is not an ONNX model (an ONNX file starts with its ir_version field, byte 0x08; this one starts with 0x${firstByte.toString(16).padStart(2, '0')})`;
}
