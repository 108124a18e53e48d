import { describe, expect, it } from 'vitest';
import { runIdOf } from '../workflows/benchmark-run';
import { checkCron } from './cron';
import { formatDuration, parseCatchupWindow } from './duration';
import { checkScheduleName, scheduleId, scheduleNameOf } from './names';
import { checkTimezone } from './timezone';

describe('checkCron', () => {
  it('accepts what Temporal accepts: values, names, ranges, steps, lists, shorthands', () => {
    for (const cron of [
      '0 2 * * *',
      '*/15 0-5/2 1,15 * sun',
      '30 3 * * MON-FRI',
      '0 0 1 jan-jun/2 *',
      '0 2 * * 7',
      '5/15 * * * *',
      '@daily',
      '@weekly',
    ])
      expect(checkCron(cron)).toBe(cron);
    expect(checkCron('  0   2 * * *  ')).toBe('0 2 * * *');
  });

  it('names the field and the problem', () => {
    expect(() => checkCron('61 2 * * *')).toThrow("invalid --cron '61 2 * * *': minute 61 is out of range 0-59");
    expect(() => checkCron('0 24 * * *')).toThrow('hour 24 is out of range 0-23');
    expect(() => checkCron('0 2 0 * *')).toThrow('day-of-month 0 is out of range 1-31');
    expect(() => checkCron('0 2 * 13 *')).toThrow('month 13 is out of range 1-12');
    expect(() => checkCron('0 2 * * FUN')).toThrow("day-of-week 'FUN' is not a number or a name (SUN-SAT)");
    expect(() => checkCron('0 2 * *')).toThrow('expected 5 fields (minute hour day-of-month month day-of-week), got 4');
    expect(() => checkCron('')).toThrow('got 0');
    expect(() => checkCron('0 2 * * 5-1')).toThrow("day-of-week range '5-1' runs backwards");
    expect(() => checkCron('*/0 * * * *')).toThrow("minute step '0' must be at least 1");
    expect(() => checkCron('0 2 ? * *')).toThrow("day-of-month '?' is not a number");
    expect(() => checkCron('1,,2 * * * *')).toThrow("minute '' is not a value");
    expect(() => checkCron('@nightly')).toThrow(
      'unknown shorthand; use one of @hourly, @daily, @weekly, @monthly, @yearly',
    );
  });
});

describe('checkTimezone', () => {
  it('returns the canonical IANA name', () => {
    expect(checkTimezone('UTC')).toBe('UTC');
    expect(checkTimezone('utc')).toBe('UTC');
    expect(checkTimezone('Europe/Paris')).toBe('Europe/Paris');
  });

  it('refuses a name that is no time zone', () => {
    expect(() => checkTimezone('Mars/Base')).toThrow("invalid --timezone 'Mars/Base'");
  });
});

describe('catch-up window', () => {
  it('reads and writes durations', () => {
    expect(parseCatchupWindow('1h')).toBe(3_600_000);
    expect(parseCatchupWindow('1h30m')).toBe(5_400_000);
    expect(parseCatchupWindow('2d')).toBe(172_800_000);
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(3_600_000)).toBe('1h');
  });

  it('refuses what is not a duration, or shorter than Temporal allows', () => {
    expect(() => parseCatchupWindow('soon')).toThrow(
      "invalid --catchup-window 'soon': expected a duration such as 30m, 1h or 1h30m",
    );
    expect(() => parseCatchupWindow('1.5h')).toThrow('expected a duration');
    expect(() => parseCatchupWindow('5s')).toThrow("Temporal's shortest catch-up window is 10s");
  });
});

describe('names and ids', () => {
  it('maps schedule names to Temporal ids and back, and scheduled workflow ids to run ids', () => {
    expect(scheduleId('nightly')).toBe('ortfleet-nightly');
    expect(scheduleNameOf('ortfleet-nightly')).toBe('nightly');
    expect(scheduleNameOf('someone-else')).toBeUndefined();
    expect(checkScheduleName('ocr.nightly_v2-eu')).toBe('ocr.nightly_v2-eu');
    expect(() => checkScheduleName('night ly')).toThrow("invalid schedule name 'night ly'");
    expect(runIdOf('nightly-2026-11-21T02:00:00Z')).toBe('nightly-2026-11-21T020000Z');
  });
});
