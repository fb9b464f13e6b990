/**
 * The latency chart of one database: the last minutes on a time axis, the latency line against
 * the user's warning and error thresholds, and the changes applied per second beside it, so a
 * person can tell "behind but catching up" from "stuck". Inline SVG, text through textContent.
 */
import { formatLatency } from '../../src/core/format';
import type { LatencySample } from '../../src/contract/protocol';
import { h, svg, type Child } from '../lib/dom';

export interface ChartOptions {
  thresholds: { warningSeconds: number; errorSeconds: number };
  /** How far back the time axis goes (minutes). */
  windowMinutes: number;
  /** The host's clock at the last fetch: the right end of the axis. */
  now: number;
}

const W = 480;
const H = 140;
const PAD = { left: 44, right: 56, top: 10, bottom: 22 };

/** Changes applied per second between consecutive samples that carry the counter. */
export function appliedRates(samples: LatencySample[]): { at: number; perSecond: number }[] {
  const out: { at: number; perSecond: number }[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a.applied === undefined || b.applied === undefined || b.at <= a.at) continue;
    out.push({ at: b.at, perSecond: Math.max(0, (b.applied - a.applied) / ((b.at - a.at) / 1000)) });
  }
  return out;
}

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function text(attrs: Record<string, string | number>, content: string): SVGElement {
  const t = svg('text', attrs);
  t.textContent = content;
  return t;
}

export function latencyChart(db: string, samples: LatencySample[], o: ChartOptions): Child {
  const from = o.now - o.windowMinutes * 60_000;
  const shown = samples.filter((s) => s.at >= from);
  const rates = appliedRates(samples).filter((r) => r.at >= from);
  const latest = shown.at(-1);
  const rate = rates.at(-1);
  const caption = h('p', { class: 'chart-caption' },
    `${db}: latency ${latest ? formatLatency(latest.seconds) : '–'}`,
    rate ? ` · ${Math.round(rate.perSecond).toLocaleString('en-US')} changes applied per second` : '',
    ` · warning at ${formatLatency(o.thresholds.warningSeconds)}, error at ${formatLatency(o.thresholds.errorSeconds)}`,
  );
  if (shown.length < 2) return h('div', { class: 'latency-chart', id: `chart-${db}` }, caption, h('p', { class: 'muted' }, 'The chart fills in as samples arrive.'));

  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + ((at - from) / (o.now - from)) * plotW;
  // The scale shows the data; a threshold above it is named in the caption, not drawn off-chart.
  const yMax = niceMax(Math.max(1, ...shown.map((s) => s.seconds)) * 1.1);
  const y = (s: number) => PAD.top + plotH - (Math.min(s, yMax) / yMax) * plotH;
  const rMax = niceMax(Math.max(1, ...rates.map((r) => r.perSecond)) * 1.1);
  const yr = (r: number) => PAD.top + plotH - (r / rMax) * plotH;

  const parts: SVGElement[] = [
    svg('line', { class: 'axis', x1: PAD.left, y1: PAD.top + plotH, x2: PAD.left + plotW, y2: PAD.top + plotH }),
    svg('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: PAD.top + plotH }),
    text({ class: 'tick', x: PAD.left - 4, y: PAD.top + 8, 'text-anchor': 'end' }, formatLatency(yMax)),
    text({ class: 'tick', x: PAD.left - 4, y: PAD.top + plotH, 'text-anchor': 'end' }, '0'),
  ];
  const step = o.windowMinutes <= 5 ? 1 : o.windowMinutes <= 15 ? 5 : 10;
  for (let m = o.windowMinutes; m >= 0; m -= step) {
    const at = o.now - m * 60_000;
    parts.push(svg('line', { class: 'grid-line', x1: x(at), y1: PAD.top, x2: x(at), y2: PAD.top + plotH }));
    parts.push(text({ class: 'tick', x: x(at), y: H - 6, 'text-anchor': 'middle' }, m === 0 ? 'now' : `-${m} min`));
  }
  for (const [level, seconds] of [['warning', o.thresholds.warningSeconds], ['error', o.thresholds.errorSeconds]] as const) {
    if (seconds > yMax) continue;
    parts.push(svg('line', { class: `threshold ${level}`, x1: PAD.left, y1: y(seconds), x2: PAD.left + plotW, y2: y(seconds) }));
    parts.push(text({ class: `tick ${level}`, x: PAD.left + plotW - 2, y: y(seconds) - 3, 'text-anchor': 'end' }, `${level} ${formatLatency(seconds)}`));
  }
  if (rates.length >= 2) {
    parts.push(svg('polyline', { class: 'rate', points: rates.map((r) => `${x(r.at).toFixed(1)},${yr(r.perSecond).toFixed(1)}`).join(' ') }));
    parts.push(text({ class: 'tick rate', x: PAD.left + plotW + 4, y: PAD.top + 8 }, `${rMax.toLocaleString('en-US')}/s`));
    parts.push(text({ class: 'tick rate', x: PAD.left + plotW + 4, y: PAD.top + plotH }, '0/s'));
  }
  parts.push(svg('polyline', { class: 'latency', points: shown.map((s) => `${x(s.at).toFixed(1)},${y(s.seconds).toFixed(1)}`).join(' ') }));
  const chart = svg('svg', { class: 'chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img' }, ...parts);
  chart.setAttribute('aria-label', `Latency of ${db} over the last ${o.windowMinutes} minutes, now ${formatLatency(latest?.seconds)}${rate ? `, ${Math.round(rate.perSecond)} changes applied per second` : ''}`);
  return h('div', { class: 'latency-chart', id: `chart-${db}` }, caption, chart);
}
