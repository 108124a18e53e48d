import { resultSummaryColumns, type ResultSummary } from '@ortfleet/db';

const COLUMNS = Object.keys(resultSummaryColumns) as (keyof ResultSummary)[];

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run user text as a formula. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV header line of a results export. */
export function csvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

/** One result as a CSV line, columns in header order. */
export function csvRow(row: ResultSummary): string {
  return `${COLUMNS.map((c) => cell(row[c])).join(',')}\r\n`;
}
