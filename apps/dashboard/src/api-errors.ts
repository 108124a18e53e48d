import { z } from '@hono/zod-openapi';
import { json } from './http';

/** Every error the API answers: `{code, message}` with a 4xx status (5xx: `internal`). */
export const ErrorBody = z.object({ code: z.string(), message: z.string() }).openapi('Error');

/** An error response entry of a route's OpenAPI description. */
export function errorResponse(description: string) {
  return json(ErrorBody, description);
}

/** The 400 every route with parameters can answer. */
export const badParameter = { 400: errorResponse('a parameter is unknown or invalid; the message names it') };
