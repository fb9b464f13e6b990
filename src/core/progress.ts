/**
 * Progress of a copy: the rate over a sliding window, the time left at that rate, and the words
 * the CLI, the tree and the details page show. Pure: time is passed in.
 */
import { formatBytes, formatDuration } from './format';
import type { DatabaseMigrationState, MigrationProgress } from './model';

/** How far back the rate looks: long enough to smooth table changes, short enough to follow a slowdown. */
export const RATE_WINDOW_MS = 20_000;
/** Below this span of samples there is no rate: the first seconds say nothing about the pace. */
export const MIN_RATE_SPAN_MS = 2_000;

/** Rate of a growing count (bytes copied) over the last `windowMs`, from samples of its running total. */
export class RateWindow {
  private samples: { at: number; value: number }[] = [];

  constructor(
    private readonly windowMs = RATE_WINDOW_MS,
    private readonly minSpanMs = MIN_RATE_SPAN_MS,
  ) {}

  add(at: number, value: number): void {
    const last = this.samples[this.samples.length - 1];
    // A total that went back (a failed table given back) starts the window again.
    if (last && (value < last.value || at < last.at)) this.samples = [];
    this.samples.push({ at, value });
    // Keep one sample at or before the window's start, so the rate spans the whole window.
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
  }

  /** Units per second; undefined while the samples span less than minSpanMs. */
  rate(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const span = last.at - first.at;
    if (span < this.minSpanMs) return undefined;
    return ((last.value - first.value) * 1000) / span;
  }

  reset(): void {
    this.samples = [];
  }
}

/** Seconds until `remaining` is done at `rate` per second; undefined when the rate is unknown or zero. */
export function etaSeconds(remaining: number, rate: number | undefined): number | undefined {
  if (rate === undefined || !Number.isFinite(rate) || rate <= 0 || !Number.isFinite(remaining)) return undefined;
  return Math.max(0, remaining) / rate;
}

/** The databases' progress added up (rate and time left are the caller's: they are not sums of parts). */
export function sumProgress(parts: (MigrationProgress | undefined)[]): MigrationProgress | undefined {
  const known = parts.filter((p): p is MigrationProgress => p !== undefined);
  if (!known.length) return undefined;
  const sum: MigrationProgress = { bytesTotal: 0, bytesCopied: 0 };
  for (const p of known) {
    sum.bytesTotal += p.bytesTotal;
    sum.bytesCopied += p.bytesCopied;
    if (p.postDataTotal !== undefined) {
      sum.postDataTotal = (sum.postDataTotal ?? 0) + p.postDataTotal;
      sum.postDataBuilt = (sum.postDataBuilt ?? 0) + (p.postDataBuilt ?? 0);
    }
  }
  return sum;
}

/** Whole percent of the bytes copied (100 when there is nothing to copy). */
export function percentCopied(p: MigrationProgress): number {
  if (p.bytesTotal <= 0) return 100;
  return Math.min(100, Math.floor((p.bytesCopied / p.bytesTotal) * 100));
}

/** `1.2 GB of 4.0 GB (30%)`. */
export function bytesText(p: MigrationProgress): string {
  return `${formatBytes(p.bytesCopied)} of ${formatBytes(p.bytesTotal)} (${percentCopied(p)}%)`;
}

/** `35 MB/s · about 2m 10s left`, or '' when the rate is not known. */
export function rateText(p: MigrationProgress): string {
  if (p.bytesPerSecond === undefined) return '';
  const eta = p.etaSeconds !== undefined ? ` · about ${formatDuration(Math.ceil(p.etaSeconds) * 1000) || '0s'} left` : '';
  return `${formatBytes(p.bytesPerSecond)}/s${eta}`;
}

/** `post-data 12/40 built`, or '' before the post-data dump is read. */
export function postDataText(p: MigrationProgress): string {
  return p.postDataTotal !== undefined ? `indexes and constraints ${p.postDataBuilt ?? 0}/${p.postDataTotal} built` : '';
}

/** One line: bytes, then rate and time left while copying, then post-data once it has started. */
export function progressText(p: MigrationProgress): string {
  const copying = p.bytesCopied < p.bytesTotal;
  const parts = [bytesText(p), copying ? rateText(p) : '', !copying || p.postDataBuilt ? postDataText(p) : ''];
  return parts.filter(Boolean).join(' · ');
}

/**
 * A few words for narrow places (the tree, a notification): `25% · 200 MB/s · 19m 12s left`
 * while copying, `indexes and constraints 20/60 built` after, or `tables 13/16` from the service.
 */
export function shortProgressText(p: MigrationProgress | undefined, dbs: DatabaseMigrationState[] = []): string {
  if (!p) {
    const counts = dbs.map(tableCounts).filter((c): c is { done: number; total: number } => c !== undefined);
    if (!counts.length) return '';
    return `tables ${counts.reduce((n, c) => n + c.done, 0)}/${counts.reduce((n, c) => n + c.total, 0)}`;
  }
  if (p.bytesCopied < p.bytesTotal) {
    const rate = p.bytesPerSecond !== undefined ? ` · ${formatBytes(p.bytesPerSecond)}/s` : '';
    const eta = p.etaSeconds !== undefined ? ` · ${formatDuration(Math.ceil(p.etaSeconds) * 1000) || '0s'} left` : '';
    return `${percentCopied(p)}%${rate}${eta}`;
  }
  return p.postDataTotal !== undefined && (p.postDataBuilt ?? 0) < p.postDataTotal ? postDataText(p) : '';
}

/** Tables copied of all, as the Azure service reports them (it gives no bytes). */
export function tableCounts(d: DatabaseMigrationState): { done: number; total: number } | undefined {
  const done = d.fullLoadCompletedTables ?? 0;
  const total = done + (d.fullLoadQueuedTables ?? 0) + (d.fullLoadLoadingTables ?? 0) + (d.fullLoadErroredTables ?? 0);
  return total > 0 ? { done, total } : undefined;
}
