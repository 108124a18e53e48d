/**
 * Entry point of the child process the agent forks for each cell, each A/B confirmation and once for the EP
 * probe. It receives one job over IPC, reports phases and the outcome, then exits; a native crash here ends
 * only this process.
 */
import { probeEps } from '../probe/eps';
import type { ChildJob, ChildMessage } from './child-protocol';
import { measureCell } from './measure';
import { measurePairsHere } from './measure-pairs';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())),
  );
}

// An agent killed mid-cell (even by SIGKILL) closes the IPC channel: stop at once, or this orphan would go on
// measuring while the cell is retried on this same host.
process.once('disconnect', () => process.exit(71));

// An agent starts the next cell's child while it is between cells; this tells it the child can take a job.
process.send?.({ type: 'ready' } satisfies ChildMessage);

process.once('message', (job: ChildJob) => {
  const work =
    job.kind === 'cell'
      ? measureCell(
          job,
          (phase) => void send({ type: 'phase', phase }),
          (outcome) => void send({ type: 'measured', outcome }),
        ).then((outcome) => send({ type: 'outcome', outcome }))
      : job.kind === 'pairs'
        ? measurePairsHere(job).then((outcome) => send({ type: 'pairs', outcome }))
        : probeEps().then((eps) => send({ type: 'eps', eps }));
  work.then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(70);
    },
  );
});
