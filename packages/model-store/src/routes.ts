/** The model store's HTTP routes, served by `ortfleet serve` and used by the CLI (upload) and agents (download). */
export const MODEL_FILES_ROUTE = '/api/v1/models/files';

/** The URL of the model with this hash in the store at `base` (a serve's base URL, trailing slashes allowed). */
export function modelFileUrl(base: string, sha256: string): string {
  return `${base.replace(/\/+$/, '')}${MODEL_FILES_ROUTE}/${sha256}`;
}
