import { BadInputError } from '@ortfleet/core';

const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const PREFIX = 'ortfleet-';

/** The Temporal Schedule id of an ortfleet schedule: its name under a prefix of ours, beside other schedules. */
export function scheduleId(name: string): string {
  return `${PREFIX}${name}`;
}

/** The ortfleet schedule name of a Temporal Schedule id, or undefined when the schedule is not one of ours. */
export function scheduleNameOf(id: string): string | undefined {
  return id.startsWith(PREFIX) ? id.slice(PREFIX.length) : undefined;
}

/**
 * Checks a schedule name. It is also the prefix of each scheduled run's id (`NAME-<time>`), which appears in
 * URLs, hence the run id's alphabet.
 */
export function checkScheduleName(name: string | undefined): string {
  if (name === undefined) throw new BadInputError('missing the schedule NAME');
  if (!NAME.test(name))
    throw new BadInputError(`invalid schedule name '${name}': use 1 to 100 letters, digits, '-', '_' or '.'`);
  return name;
}
