import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';

/** An API error: `{code, message}` with a 4xx status. */
export class ApiError extends HTTPException {
  constructor(
    status: 400 | 401 | 403 | 404 | 409 | 413 | 503,
    readonly code: string,
    message: string,
  ) {
    super(status, { message });
  }
}

/** A request that failed its schema, as one message naming each bad parameter. */
export function badRequest(error: ZodError): ApiError {
  const problems = error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `unknown parameter${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    const name = i.path.length > 0 ? i.path.map(String).join('.').replace(/\.(\d+)/g, '[$1]') : 'request';
    return `parameter '${name}': ${i.message}`;
  });
  return new ApiError(400, 'bad_parameter', problems.join('; '));
}
