import { Hono } from 'hono';
import { html } from 'hono/html';
import { formatChange } from '@ortfleet/core';
import { FACTOR_LOOKBACK, listAgents, machineDrift, type DriftNight } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { joined, pageFrame, table, type Html } from '../page-frame';
import { bytes, ms, pct, when } from '../format';

type Agent = Awaited<ReturnType<typeof listAgents>>[number];

/** GET /fleet: hardware classes and the agents that registered, with their EPs, labels and when last seen. */
export function fleetPages(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/fleet', async (c) => {
    const [agents, drift] = await Promise.all([listAgents(deps.db), machineDrift(deps.db)]);
    const classes = [...new Set(agents.map((a) => a.hardwareClass))].sort();
    const body = html`<p class="muted">Agents as they last registered; whether one is polling now is Temporal's to say.
<a href="/api/v1/fleet">JSON</a></p>
<h2>Hardware classes</h2>
${table(
  html`<tr><th>hardware class</th><th class="num">agents</th><th>EPs available</th><th>last seen (UTC)</th></tr>`,
  classes.map((hw) => {
    const members = agents.filter((a) => a.hardwareClass === hw);
    const eps = [...new Set(members.flatMap((a) => a.probe.eps.filter((e) => e.available).map((e) => e.name)))].sort();
    const seen = members.map((a) => a.lastSeenAt).sort((x, y) => y.getTime() - x.getTime())[0];
    return joined`
      <tr><td>${hw}</td><td class="num">${members.length}</td><td>${eps.join(', ')}</td><td>${when(seen)}</td></tr>
    `;
  }),
  'no agent has registered; start one with `ortfleet agent`',
)}
<h2>Agents</h2>
${table(
  joined`
    <tr><th>agent</th><th>hostname</th><th>hardware class</th><th>EPs available</th><th>EPs unavailable</th>
    <th>CPU</th><th>memory</th><th>GPUs</th><th>ONNX Runtime</th><th>labels</th><th>last seen (UTC)</th>
    <th>registered (UTC)</th></tr>
  `,
  agents.map(agentRow),
  'none',
)}
<h2>Machine drift</h2>
<p class="muted">Each agent runs a pinned control (docs/regressions.md) at the start, middle and end of its share of a
run. Speed: the night's control p50 against the agent's ${FACTOR_LOOKBACK} nights before it, which the nightly judge divides
out; a change of ${formatChange(1 + DRIFT_SHOWN)} or more is the machine moving, not its models.</p>
${table(
  html`<tr><th>agent</th><th>hardware class</th><th>run</th><th>started (UTC)</th><th class="num">control p50</th>
<th class="num">speed vs its history</th><th class="num">spread within the night</th></tr>`,
  drift.map(driftRow),
  'no control measured yet',
)}`;
    return c.html(pageFrame('Fleet', body));
  });
  return app;
}

/** Speed factors this far from 1 are marked as the machine moving (the judge's default minimum effect). */
const DRIFT_SHOWN = 0.05;

function driftRow(n: DriftNight): Html {
  const moved = Math.abs(n.factor - 1) >= DRIFT_SHOWN;
  const mark = moved ? html` <strong>${n.factor > 1 ? 'slower' : 'faster'}</strong>` : '';
  return html`<tr><td>${n.agentId}</td><td>${n.hardwareClass}</td><td><a href="/runs/${n.runId}">${n.runId}</a></td>
<td>${when(n.recordedAt)}</td><td class="num">${ms(n.p50Ms)} ms</td><td class="num">${formatChange(n.factor)}${mark}</td>
<td class="num">${pct(n.spread)}</td></tr>`;
}

const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

function agentRow(a: Agent): Html {
  const p = a.probe;
  const available = p.eps.filter((e) => e.available).map((e) => e.name);
  const unavailable = p.eps.filter((e) => !e.available);
  const labels = Object.entries(a.labels).sort(([x], [y]) => (x < y ? -1 : 1));
  const missing = unavailable.map((e, i) => {
    const why = e.error ?? e.reason;
    const note = why ? html` <span class="muted">(${clip(why)})</span>` : '';
    return html`${i > 0 ? '; ' : ''}<span title="${why ?? ''}">${e.name}</span>${note}`;
  });
  const simd = p.cpu.simd?.length ? ` · ${p.cpu.simd.join(' ')}` : '';
  const emulated = p.emulated
    ? html` <span class="muted">(${p.os.arch}, emulated${p.emulator ? ` by ${p.emulator}` : ''})</span>`
    : '';
  const gpus = p.gpus.map((g) => `${g.model}${g.vramMb !== null ? ` (${g.vramMb} MB)` : ''}`).join(', ') || 'none';
  const seen = html`<td>${when(a.lastSeenAt)}</td><td>${when(a.registeredAt)}</td>`;
  const labelText = labels.map(([k, v], i) => html`${i > 0 ? ', ' : ''}${k}=${v}`);
  return html`<tr><td>${a.id}</td><td>${a.hostname}</td><td>${a.hardwareClass}</td><td>${available.join(', ')}</td>
<td class="wrap">${missing}</td>
<td>${p.cpu.brand} · ${p.cpu.physicalCores}/${p.cpu.cores} cores${simd}${emulated}</td><td>${bytes(p.memoryBytes)}</td>
<td>${gpus}</td>
<td>${p.onnxruntimeVersion}</td><td>${labelText}</td>${seen}</tr>`;
}
