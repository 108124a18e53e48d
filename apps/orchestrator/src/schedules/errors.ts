import { isGrpcServiceError, ScheduleNotFoundError, ServiceError } from '@temporalio/client';
import { BadInputError } from '@ortfleet/core';

const INVALID_ARGUMENT = 3;

/**
 * Runs a call to Temporal's schedule API for the schedule `name`, turning what is the user's to fix into bad
 * input: a schedule that does not exist, and a spec Temporal refuses (the SDK throws a TypeError carrying the
 * server's message for an invalid schedule spec, a ServiceError around INVALID_ARGUMENT for other fields).
 */
export async function asBadInput<T>(name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new BadInputError(`no schedule ${name}`);
    if (err instanceof TypeError) throw new BadInputError(`Temporal refused schedule ${name}: ${err.message}`);
    if (err instanceof ServiceError && isGrpcServiceError(err.cause) && err.cause.code === INVALID_ARGUMENT)
      throw new BadInputError(`Temporal refused schedule ${name}: ${err.cause.details}`);
    throw err;
  }
}
