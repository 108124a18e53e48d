import * as ort from 'onnxruntime-node';
import type { Cell } from '@ortfleet/core';

/**
 * The onnxruntime-node session options a cell stands for, every knob explicit so that the recorded options
 * say exactly what the session got. Profiling is off: it would slow the timed loop.
 *
 * `freeDimensionOverrides` is recorded as given, but onnxruntime-node 1.30's binding ignores that option, so
 * the runner also writes the values into the model's input shapes before creating the session.
 */
export function sessionOptionsFor(cell: Cell): ort.InferenceSession.SessionOptions {
  const p = cell.params;
  return {
    executionProviders: [p.epOptions ? { name: p.ep, ...p.epOptions } : p.ep],
    // ortfleet's level names are onnxruntime-node's own.
    graphOptimizationLevel: p.graphOptimization,
    intraOpNumThreads: p.intraOpThreads,
    interOpNumThreads: p.interOpThreads,
    executionMode: p.executionMode,
    enableMemPattern: p.memoryPattern,
    enableCpuMemArena: p.cpuArena,
    ...(p.freeDimensions ? { freeDimensionOverrides: p.freeDimensions } : {}),
    // The binding joins nested keys with dots, so a flat dotted key reaches the session config as written.
    ...(p.sessionConfig ? { extra: p.sessionConfig } : {}),
    enableProfiling: false,
    logSeverityLevel: 3,
  };
}

/** Creates a session from a model path or from model bytes. */
export function createSession(
  model: string | Uint8Array,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  // Two overloads of create, one per kind of source: TypeScript picks neither for the union.
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}
