import { BadInputError } from './errors';

const KEY = /^[a-z][a-z0-9_.-]{0,62}$/;
const VALUE = /^[^\s,=]{1,200}$/;

/** Parses operator labels `k=v,k=v`; every bad pair is named in one error. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of text.split(',').map((p) => p.trim())) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (eq < 0 || !KEY.test(key) || !VALUE.test(value))
      problems.push(
        `'${pair}': expected key=value, key lowercase letters, digits, '_', '.', '-', value without spaces, ',' or '='`,
      );
    else if (key in labels) problems.push(`'${key}' is given twice`);
    else labels[key] = value;
  }
  if (labels.price_per_hour !== undefined && !(Number(labels.price_per_hour) >= 0))
    problems.push(`price_per_hour must be a non-negative number, got '${labels.price_per_hour}'`);
  if (problems.length > 0) throw new BadInputError(`invalid --labels:\n  ${problems.join('\n  ')}`, problems);
  return labels;
}
