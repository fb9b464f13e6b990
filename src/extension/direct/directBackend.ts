/**
 * The direct engine's provider, built on first use from the lazy bundle (pg, pg-copy-streams,
 * pg_dump handling). Settings are applied to the engine options in place, so a changed
 * `pgflex.pgDumpPath`, `pgflex.psqlPath` or `pgflex.copyJobs` reaches the next migration without losing the
 * migrations running in this window.
 */
import type { MigrationProvider, ServerRef } from '../../core/provider';
import { lazy } from '../lazyModules';
import type { LiveWatch } from '../model/liveWatch';

export interface DirectOptions {
  pgDumpPath?: string;
  psqlPath?: string;
  jobs?: number;
}

export interface DirectBackend {
  provider: MigrationProvider;
  applySettings(): void;
  /** Change events of migrations running in this extension host. */
  watch: LiveWatch;
}

export function loadDirectProvider(
  options: () => DirectOptions,
  password: (t: ServerRef, role: 'source' | 'target') => Promise<string | undefined>,
  rootCertFor?: (server: ServerRef) => string | undefined,
): DirectBackend {
  const { DirectProvider } = lazy();
  const engine: { jobs?: number; tools?: { pgDump: string; psql: string } } = {};
  const applySettings = () => {
    const o = options();
    engine.jobs = o.jobs;
    engine.tools = { pgDump: o.pgDumpPath || process.env.PGFLEX_PG_DUMP || 'pg_dump', psql: o.psqlPath || process.env.PGFLEX_PSQL || 'psql' };
  };
  applySettings();
  // Passed as a variable: options an engine does not know yet are simply ignored.
  const providerOptions = {
    engine,
    // The extension host lives long: keep latency and CDC counters of waiting online migrations fresh.
    watchOnline: true,
    targetPassword: (t: ServerRef) => password(t, 'target'),
    sourcePassword: (s: ServerRef) => password(s, 'source'),
    rootCertFor,
  };
  const provider = new DirectProvider(providerOptions);
  const watch: LiveWatch = (target, name, listener) => (provider.run(target, name) ? provider.watch(target, name, listener) : undefined);
  return { provider, applySettings, watch };
}
