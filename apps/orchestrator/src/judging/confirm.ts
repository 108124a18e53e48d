/**
 * The orchestrator's side of a same-night A/B confirmation (docs/regressions.md): which judged results get
 * one, where the previous model file is, and the judgement once the pairs are in.
 */
import { stat } from 'node:fs/promises';
import { applyConfirmation, judgePairs, type Judgement } from '@ortfleet/core';
import type { PairsOutcome } from '@ortfleet/contracts';
import { recordConfirmation, type Db } from '@ortfleet/db';
import { modelPath, type ModelStoreTarget } from '@ortfleet/model-store';

/** What the run needs to schedule an A/B confirmation of one judged result. */
export interface ConfirmationRequest {
  /** The class whose queue runs the pairs (the cell itself is found again from the run's spec). */
  hardwareClass: string;
  previous: { modelPath: string; modelSha256: string };
  minEffect: number;
  recordedAt: string;
}

/** The previous model file in the store the runs publish to, or why there is none to run. */
export async function previousModelFile(
  store: ModelStoreTarget | undefined,
  sha256: string,
): Promise<{ modelPath: string; modelSha256: string } | string> {
  if (!store) return 'this worker knows no model store to find the previous model file in';
  // A remote store serves files by hash: an agent downloads it as it does any run's model.
  if ('url' in store) return { modelPath: `${store.url}/sha256/${sha256}`, modelSha256: sha256 };
  const path = modelPath(store.dir, sha256);
  return (await stat(path).catch(() => undefined))
    ? { modelPath: path, modelSha256: sha256 }
    : `the previous model file ${sha256.slice(0, 12)} is no longer in the model store ${store.dir}`;
}

/**
 * The previous model file's hash when a judgement calls for an A/B: its model file changed since the newest
 * baseline result, and no two-night rule has confirmed a step yet. Whatever the nightly verdict: an unstable
 * night is where pairs on one machine help most.
 */
export function changedModel(j: Judgement): string | undefined {
  if (j.confirmed) return undefined;
  return j.drift.find((d) => d.field === 'modelSha256')?.baseline ?? undefined;
}

/**
 * Judges the pairs an agent measured and stores the judgement they give (or, when no pair could be measured,
 * the nightly one with the reason), returning it for alerts.
 */
export async function settleConfirmation(
  db: Db,
  judged: { resultId: number; judgement: Judgement; confirm: ConfirmationRequest },
  outcome: PairsOutcome | { failed: string },
): Promise<Judgement> {
  const { confirm } = judged;
  if ('failed' in outcome || outcome.pairs.length === 0) {
    const why = 'failed' in outcome ? outcome.failed : (outcome.reason ?? 'no pair measured');
    const judgement = { ...judged.judgement, reasons: [...judged.judgement.reasons, `no same-night A/B: ${why}`] };
    await recordConfirmation(db, judged.resultId, judgement, null);
    return judgement;
  }
  const confirmation = judgePairs(outcome.pairs, confirm.minEffect, outcome.agentId, confirm.previous.modelSha256);
  const judgement = applyConfirmation(judged.judgement, confirmation, {
    resultId: judged.resultId,
    recordedAt: confirm.recordedAt,
  });
  await recordConfirmation(db, judged.resultId, judgement, confirmation);
  return judgement;
}
