import type { Cell, Spec } from '@ortfleet/core';
import type { CellJob } from '@ortfleet/contracts';
import type { ModelFileRef } from './run-input';

/** What an agent needs to run a cell: its model file, the fp32 reference, the inputs and how to measure. */
export function cellJob(spec: Spec, models: Record<string, Record<string, ModelFileRef>>, cell: Cell): CellJob {
  const model = spec.models.find((m) => m.name === cell.params.model)!;
  const files = models[cell.params.model]!;
  const file = files[cell.params.precision]!;
  const reference = files.fp32;
  return {
    cell,
    modelPath: file.path,
    modelSha256: file.sha256,
    referenceModelPath: reference?.path,
    referenceSha256: reference?.sha256,
    inputs: model.inputs,
    measure: spec.measure,
    ...(spec.load && { load: spec.load }),
  };
}
