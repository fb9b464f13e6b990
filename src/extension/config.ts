import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import { refreshIntervalMs } from './model/refreshInterval';
import type { LatencyThresholds } from './model/latencyStatus';
import { DEFAULT_WARN_BYTES } from '../core/leftovers';

const SECTION = 'pgflex';

/** Every setting the extension reads, typed, in one place; `onDidChange` fires for ours only. */
export class Config extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;

  constructor() {
    super();
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) this.emitter.fire();
    }));
  }

  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** Tree and details auto-refresh, in ms; 0 = off. */
  get refreshIntervalMs(): number {
    return refreshIntervalMs(this.cfg.get<string>('refreshInterval'));
  }

  get latency(): LatencyThresholds {
    const warningSeconds = positive(this.cfg.get<number>('latency.warningSeconds'), 60);
    const errorSeconds = Math.max(warningSeconds, positive(this.cfg.get<number>('latency.errorSeconds'), 300));
    return { warningSeconds, errorSeconds };
  }

  /** pg_dump to use; empty = the one on PATH. */
  get pgDumpPath(): string | undefined {
    return this.cfg.get<string>('pgDumpPath')?.trim() || undefined;
  }

  /** CA file for direct connections that name none; empty = the system bundle (Azure's roots for Azure hosts). */
  get sslRootCert(): string | undefined {
    return this.cfg.get<string>('sslRootCert')?.trim() || undefined;
  }

  /** psql to use; empty = the one on PATH. */
  get psqlPath(): string | undefined {
    return this.cfg.get<string>('psqlPath')?.trim() || undefined;
  }

  /** Parallel COPY workers for direct migrations; undefined = automatic. */
  get copyJobs(): number | undefined {
    const n = this.cfg.get<number>('copyJobs') ?? 0;
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }

  /** A leftover replication slot holding more WAL than this (bytes) is shown as a warning. */
  get leftoverWarnBytes(): number {
    return positive(this.cfg.get<number>('leftovers.warnBytes'), DEFAULT_WARN_BYTES);
  }

  get subscriptionFilter(): string[] {
    const v = this.cfg.get<unknown>('azure.subscriptionFilter');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }
}

function positive(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}
