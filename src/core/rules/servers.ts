import type { ServerEndpoint, ServerFacts, ValidationFacts, DatabaseFacts, Probe } from './facts';

/** Azure Database for PostgreSQL Single Server: Windows builds and its own replication switch. */
export function isAzureSingleServer(f: ServerFacts): boolean {
  return f.settings['azure.replication_support'] !== undefined || /Visual C\+\+/i.test(f.version);
}

export function isAzureFlexibleServer(f: ServerFacts): boolean {
  return !isAzureSingleServer(f) && f.settings['azure.extensions'] !== undefined;
}

export function isMemberOf(f: ServerFacts, role: string): boolean {
  return f.user.name === role || f.user.memberOf.includes(role);
}

/** `source server db.example.com:5432`, or just `source server` when the address is unknown. */
export function serverLabel(side: 'source' | 'target', ep?: ServerEndpoint): string {
  return ep ? `${side} server ${ep.host}:${ep.port}` : `${side} server`;
}

export function userOf(side: 'source' | 'target', facts: ValidationFacts): string {
  const probe = side === 'source' ? facts.source : facts.target;
  if (probe.ok) return probe.value.user.name;
  return (side === 'source' ? facts.sourceEndpoint : facts.targetEndpoint)?.user ?? 'the migration user';
}

export function settingNumber(f: ServerFacts, name: string): number | undefined {
  const v = f.settings[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Facts of the chosen databases that could be read. */
export function readDatabases(facts: ValidationFacts): DatabaseFacts[] {
  return facts.databases
    .map((d) => facts.sourceDatabases[d])
    .filter((p): p is Extract<Probe<DatabaseFacts>, { ok: true }> => !!p && p.ok)
    .map((p) => p.value);
}

/** Chosen databases whose facts could not be read, with the reason. */
export function unreadDatabases(facts: ValidationFacts): { name: string; error: string }[] {
  const out: { name: string; error: string }[] = [];
  for (const d of facts.databases) {
    const p = facts.sourceDatabases[d];
    if (p && !p.ok) out.push({ name: d, error: p.error });
  }
  return out;
}
