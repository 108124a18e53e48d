/** What an agent returns for a cell and what a run keeps of it. */
import type { CellParams, CellStatus } from './cell';
import type { ControlMeasurement } from './control';
import type { Measurement } from './measurement';
import type { ModelFacts } from './onnx/model-facts';
import type { OperatorProfile } from './profile';
import type { Parity } from './parity';
import type { Provenance } from './provenance';

/** What an agent returns for a cell it attempted. */
export interface CellOutcome {
  status: CellStatus;
  reason?: string;
  agentId?: string;
  measurement?: Measurement;
  /** The session options the child really passed to onnxruntime-node. */
  sessionOptions?: Record<string, unknown>;
  parity?: Parity;
  profile?: OperatorProfile;
  modelFacts?: ModelFacts;
  provenance?: Provenance;
  /** The control measurements the agent took around this cell (see control.ts), when the job asked for them. */
  controls?: ControlMeasurement[];
}

export interface CellResult extends CellOutcome {
  cellId: string;
  params: CellParams;
}
