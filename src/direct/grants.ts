/**
 * Grants carried without migrating roles. pg_dump writes each GRANT, REVOKE and ALTER DEFAULT
 * PRIVILEGES on a line of its own; those naming only PUBLIC and roles that exist on the target
 * are kept (so a function the source keeps from PUBLIC stays kept from it), those naming a role
 * the target lacks are left out and named, since the statement would fail there.
 */

const TOKEN = /"(?:[^"]|"")*"|[^\s"(),;]+|[(),;]/g;

function unquote(t: string): string | undefined {
  return t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : undefined;
}

/** The role names a grant statement names (grantees, FOR ROLE, GRANTED BY); PUBLIC is not one. */
export function rolesOfGrant(line: string): string[] {
  const tokens = line.match(TOKEN) ?? [];
  const roles: string[] = [];
  let listing = false;
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i].toUpperCase();
    if (word === 'ROLE' && tokens[i - 1]?.toUpperCase() === 'FOR') {
      listing = true;
      continue;
    }
    if (word === 'BY' && tokens[i - 1]?.toUpperCase() === 'GRANTED') {
      listing = true;
      continue;
    }
    if (word === 'TO' || word === 'FROM') {
      listing = true;
      continue;
    }
    if (!listing) continue;
    const role = unquote(tokens[i]);
    if (role !== undefined) roles.push(role);
    else if (tokens[i] !== ',') listing = false;
  }
  return roles;
}

const GRANT_LINE = /^(GRANT|REVOKE|ALTER DEFAULT PRIVILEGES) /;

/** The dump without the grant lines that name a role missing from `roles`, and those lines. */
export function keepGrantsFor(sql: string, roles: ReadonlySet<string>): { sql: string; dropped: string[] } {
  const dropped: string[] = [];
  const out = sql.split('\n').map((line) => {
    if (!GRANT_LINE.test(line)) return line;
    if (rolesOfGrant(line).every((r) => roles.has(r))) return line;
    dropped.push(line);
    return '';
  });
  return { sql: dropped.length ? out.join('\n') : sql, dropped };
}

/** One warning for a database's grants left out. */
export function droppedGrantsWarning(database: string, dropped: string[]): string {
  const shown = dropped.slice(0, 10).join(' ');
  const more = dropped.length > 10 ? ` (and ${dropped.length - 10} more)` : '';
  return `Database "${database}": ${dropped.length} grant(s) name roles that do not exist on the target and were not carried: ${shown}${more} Create those roles on the target and run the statements there, or migrate with roles.`;
}
