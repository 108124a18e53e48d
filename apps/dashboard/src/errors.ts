import type { ZodError } from 'zod';

/** What kind of failure an error is; the app's error handler alone gives each kind its HTTP status. */
export type ErrorKind = 'invalid' | 'unauthorized' | 'not_found' | 'too_large' | 'unavailable';

/**
 * Why a request failed, as the API's `{code, message}` body says it. Routes and loaders throw these and
 * never pick an HTTP status: that is the error handler's (error-handler.ts), so one code means one status.
 */
export abstract class DashboardError extends Error {
  abstract readonly kind: ErrorKind;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request is wrong: a parameter, the body, the spec, the model file. */
export class InvalidRequest extends DashboardError {
  readonly kind = 'invalid';
}

/** The request needs a live API token and has none. */
export class Unauthorized extends DashboardError {
  readonly kind = 'unauthorized';

  constructor(message: string) {
    super('unauthorized', message);
  }
}

/** What the request names does not exist. */
export class NotFound extends DashboardError {
  readonly kind = 'not_found';

  constructor(message: string) {
    super('not_found', message);
  }
}

/** The request's body is larger than this server takes. */
export class TooLarge extends DashboardError {
  readonly kind = 'too_large';
}

/** This server was started without what the request needs (Temporal, a model store). */
export class Unavailable extends DashboardError {
  readonly kind = 'unavailable';
}

/** A request that failed its schema, as one message naming each bad parameter. */
export function badRequest(error: ZodError): InvalidRequest {
  const problems = error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      return `unknown parameter${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    }
    const name =
      i.path.length > 0
        ? i.path
            .map(String)
            .join('.')
            .replace(/\.(\d+)/g, '[$1]')
        : 'request';
    return `parameter '${name}': ${i.message}`;
  });
  return new InvalidRequest('bad_parameter', problems.join('; '));
}
