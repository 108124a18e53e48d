import { z } from '@hono/zod-openapi';

export const ModelUploadQuery = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,200}\.onnx$/, "expected a file name ending in '.onnx'")
      .openapi({ example: 'model.onnx' }),
  })
  .strict();

export const StoredModelBody = z
  .object({
    name: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    path: z.string().openapi({ description: "the file on the server, for a spec's models[].path" }),
    url: z.string(),
  })
  .openapi('StoredModel');

export const Sha256Param = z.object({
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected a sha256 in lowercase hex')
    .openapi({ param: { name: 'sha256', in: 'path' } }),
});

export const ModelFile = z.string().openapi({ format: 'binary' });
