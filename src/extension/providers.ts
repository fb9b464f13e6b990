/**
 * The two MigrationProviders, loaded on first use (their modules pull in pg, pg_dump
 * handling and the Azure SDK, which activation must not pay for). Every call is logged by
 * name and target, never with secrets.
 */
import type { Migration } from '../core/model';
import type { MigrationProvider, MigrationSpec, Secrets, ServerRef } from '../core/provider';
import type { NameCheck } from '../core/names';

export interface ProviderLog {
  info(msg: string): void;
  debug(msg: string): void;
  warn(msg: string): void;
}

/** A provider whose implementation loads on the first call. */
export function lazyProvider(
  kind: 'azure' | 'direct',
  load: () => Promise<MigrationProvider>,
  log: ProviderLog,
  onCreate: (spec: MigrationSpec, secrets: Secrets) => void = () => undefined,
): MigrationProvider {
  let loading: Promise<MigrationProvider> | undefined;
  const real = () => {
    loading ??= load().catch((e) => {
      loading = undefined;
      throw e;
    });
    return loading;
  };
  async function call<T>(what: string, fn: (p: MigrationProvider) => Promise<T>): Promise<T> {
    const started = Date.now();
    log.debug(`${kind} provider: ${what}`);
    try {
      const r = await fn(await real());
      log.debug(`${kind} provider: ${what} done in ${Date.now() - started} ms`);
      return r;
    } catch (e) {
      log.warn(`${kind} provider: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }
  const on = (t: ServerRef) => `${t.label} (${t.host}:${t.port})`;
  return {
    kind,
    checkName: (t: ServerRef, name: string): Promise<NameCheck> => call(`checkName ${name} on ${on(t)}`, (p) => p.checkName(t, name)),
    create: (spec: MigrationSpec, secrets: Secrets): Promise<Migration> => {
      onCreate(spec, secrets);
      return call(`create ${spec.name} (${spec.mode}, ${spec.option}) ${on(spec.source)} → ${on(spec.target)}: ${spec.databases.join(', ')}`, (p) => p.create(spec, secrets));
    },
    get: (t: ServerRef, name: string) => call(`get ${name} on ${on(t)}`, (p) => p.get(t, name)),
    list: (t: ServerRef) => call(`list on ${on(t)}`, (p) => p.list(t)),
    cutover: (t: ServerRef, name: string, dbs?: string[]) => call(`cutover ${name} on ${on(t)}${dbs ? `: ${dbs.join(', ')}` : ''}`, (p) => p.cutover(t, name, dbs)),
    cancel: (t: ServerRef, name: string, dbs?: string[]) => call(`cancel ${name} on ${on(t)}${dbs ? `: ${dbs.join(', ')}` : ''}`, (p) => p.cancel(t, name, dbs)),
  };
}
