/** The wizard's database list: a source's user databases with sizes, and which exist on a target. */
import { AZURE_INTERNAL_DATABASES, TEMPLATE_DATABASES } from '../core/rules/catalog';
import { withClient, type ConnInfo } from './connection';
import { readDatabaseList } from './facts';

export interface UserDatabase {
  name: string;
  /** Missing when the user may not connect to it (no CONNECT privilege). */
  sizeBytes?: number;
  encoding: string;
  owner: string;
  canConnect: boolean;
  /** Whether a database of that name exists on the target; missing when no target was given. */
  existsOnTarget?: boolean;
}

export interface ListDatabasesOptions {
  /** The portal hides `postgres`; the CLI may offer it. Default false. */
  includePostgres?: boolean;
}

/** Never offered: templates, databases that refuse connections, and Azure's internal ones. */
export function isUserDatabase(d: { name: string; isTemplate: boolean; allowConnections: boolean }, includePostgres = false): boolean {
  if (d.isTemplate || !d.allowConnections) return false;
  if (TEMPLATE_DATABASES.includes(d.name) || AZURE_INTERNAL_DATABASES.includes(d.name)) return false;
  return includePostgres || d.name !== 'postgres';
}

/**
 * List the source's user databases (largest first) and, when a target is given, whether each
 * already exists there. Both servers are read at the same time; a target that cannot be read
 * fails the call, because "exists on target" would otherwise be a guess.
 */
export async function listUserDatabases(source: ConnInfo, target?: ConnInfo, opts: ListDatabasesOptions = {}): Promise<UserDatabase[]> {
  const [src, tgt] = await Promise.all([
    withClient({ ...source, role: source.role ?? 'source' }, (c) => readDatabaseList(c, 'all')),
    target ? withClient({ ...target, role: target.role ?? 'target' }, (c) => readDatabaseList(c, 'none')) : Promise.resolve(undefined),
  ]);
  const onTarget = tgt ? new Set(tgt.map((d) => d.name)) : undefined;
  return src
    .filter((d) => isUserDatabase(d, opts.includePostgres))
    .map((d) => {
      const out: UserDatabase = { name: d.name, encoding: d.encoding, owner: d.owner, canConnect: d.canConnect };
      if (d.sizeBytes !== undefined) out.sizeBytes = d.sizeBytes;
      if (onTarget) out.existsOnTarget = onTarget.has(d.name);
      return out;
    })
    .sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0) || a.name.localeCompare(b.name));
}
