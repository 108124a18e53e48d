/** A field of the environment that differs between the baseline's newest result and the candidate. */
export interface EnvironmentDrift {
  field: string;
  baseline: string | null;
  now: string | null;
}
