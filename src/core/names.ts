/** Migration and database name rules, as the portal and the ARM contract state them. */

export interface NameCheck {
  ok: boolean;
  /** A sentence a person can act on when `ok` is false. */
  reason?: string;
}

/** Portal / docs rule used for direct migrations: letters, digits and hyphens, not starting with a hyphen. */
const DIRECT_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** ARM's path pattern for Azure migrations (stricter: lowercase, no hyphen). */
const ARM_NAME = /^[a-z][a-z0-9]*$/;

export const MAX_DATABASES = 8;
export const MAX_NAME_LENGTH = 63;

export function checkMigrationName(name: string, kind: 'direct' | 'azure' = 'direct'): NameCheck {
  if (!name) return { ok: false, reason: 'Enter a migration name.' };
  if (name.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: `The migration name is ${name.length} characters long; use at most ${MAX_NAME_LENGTH}.` };
  }
  if (kind === 'azure') {
    if (!ARM_NAME.test(name)) {
      return {
        ok: false,
        reason: `"${name}" is not a valid Azure migration name: start with a lowercase letter and use only lowercase letters and digits (no hyphens, e.g. "${suggestAzureName(name)}").`,
      };
    }
    return { ok: true };
  }
  if (name.startsWith('-')) return { ok: false, reason: `The migration name "${name}" starts with a hyphen; start it with a letter or digit.` };
  if (!DIRECT_NAME.test(name)) {
    return { ok: false, reason: `The migration name "${name}" may contain only letters, digits and hyphens.` };
  }
  return { ok: true };
}

export function suggestAzureName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return /^[a-z]/.test(s) ? s : `m${s}`;
}

/** Databases no migration ever moves: templates, and Azure's internal databases. */
export const SYSTEM_DATABASES: readonly string[] = [
  'template0', 'template1', 'azure_maintenance', 'azure_sys', 'postgres',
];

/** `postgres` is excluded by the portal from the list; it can still be chosen explicitly in the CLI. */
export function isSystemDatabase(name: string, allowPostgres = false): boolean {
  if (allowPostgres && name === 'postgres') return false;
  return SYSTEM_DATABASES.includes(name);
}

export function checkDatabaseSelection(dbs: string[], allowPostgres = true): NameCheck {
  if (dbs.length === 0) return { ok: false, reason: 'Choose at least one database to migrate.' };
  const dup = dbs.find((d, i) => dbs.indexOf(d) !== i);
  if (dup) return { ok: false, reason: `The database "${dup}" is chosen twice.` };
  if (dbs.length > MAX_DATABASES) {
    return { ok: false, reason: `${dbs.length} databases were chosen; a migration moves at most ${MAX_DATABASES}. Split them into several migrations.` };
  }
  const sys = dbs.find((d) => isSystemDatabase(d, allowPostgres));
  if (sys) return { ok: false, reason: `"${sys}" is a system or template database and is never migrated; choose user databases.` };
  return { ok: true };
}
