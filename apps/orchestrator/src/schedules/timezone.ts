import { BadInputError } from '@ortfleet/core';

/**
 * Checks an IANA time zone name and returns its canonical spelling (`utc` → `UTC`): Temporal loads the zone
 * from its own tz database by exact name, so a name Node only accepts loosely would fail there.
 */
export function checkTimezone(name: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new BadInputError(
      `invalid --timezone '${name}': not an IANA time zone name such as UTC, Europe/Paris or America/New_York`,
    );
  }
}
