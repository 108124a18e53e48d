import type { OpenAPIHono } from '@hono/zod-openapi';
import { html, raw } from 'hono/html';
import { joined, type Html } from '../page-frame';

/** What the docs page reads of an operation in the generated document. */
interface Operation {
  summary?: string;
  parameters?: Parameter[];
  security?: unknown[];
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: { type?: string; enum?: string[] };
}

const CSS =
  'body{font:14px system-ui;margin:1rem;max-width:60rem}code{background:#f3f3f3;padding:0 3px}' +
  'section{border-top:1px solid #ddd;padding:.5rem 0}td,th{text-align:left;padding:2px 6px;vertical-align:top}' +
  '.m{font-weight:bold;text-transform:uppercase}';

/** Serves the OpenAPI 3.1 document generated from the routes' zod schemas, and a page that lists it. */
export function mountOpenApi(api: OpenAPIHono, version: string): void {
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'a token from `ortfleet token create NAME`',
  });
  const document = () =>
    api.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'ortfleet results API',
        version,
        description:
          'Benchmark runs and results of ONNX models across a fleet. Errors are `{code, message}` with a 4xx status.',
      },
    });
  api.get('/api/openapi.json', (c) => c.json(document()));
  api.get('/api/docs', (c) => {
    const doc = document();
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
    );
    const head = joined`
      <meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
      <title>ortfleet API</title>
    `;
    const intro = joined`
      <p>${doc.info.description} The machine-readable document is <a href="/api/openapi.json">
      /api/openapi.json</a> (OpenAPI 3.1).</p>
    `;
    return c.html(html`<!doctype html><html><head>${head}
<style>${raw(CSS)}</style></head>
<body><h1>ortfleet API ${doc.info.version}</h1>${intro}
${operations.map(({ path, method, op }) => operationSection(path, method, op))}</body></html>`);
  });
}

function operationSection(path: string, method: string, op: Operation): Html {
  const title = joined`
    <p><span class="m">${method}</span> <code>${path}</code>${op.security ? ' · needs a token' : ''}</p>
  `;
  return html`<section>${title}<p>${op.summary ?? ''}</p>
${op.parameters?.length ? parameterTable(op.parameters) : ''}</section>`;
}

function parameterTable(parameters: Parameter[]): Html {
  const row = (p: Parameter) => joined`
    <tr><td><code>${p.name}</code>${p.required ? ' (required)' : ''}</td><td>${p.in}</td>
    <td>${p.description ?? ''}${p.schema?.enum ? ` one of ${p.schema.enum.join(', ')}` : ''}</td></tr>
  `;
  return html`<table><tr><th>parameter</th><th>in</th><th>description</th></tr>${parameters.map(row)}</table>`;
}
