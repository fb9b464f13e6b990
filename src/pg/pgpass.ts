/**
 * The password file libpq reads (~/.pgpass, or PGPASSFILE), read the same way for the engine's
 * own sessions, so a URL without a password works for COPY as it does for pg_dump.
 * Format: `hostname:port:database:username:password`, one entry a line, first match wins;
 * `*` as a whole field matches anything; `\` escapes `:` and `\`; `#` starts a comment line.
 */
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One line of the file; a field left undefined was the wildcard `*`. */
export interface PgpassEntry {
  host?: string;
  port?: string;
  database?: string;
  user?: string;
  password: string;
}

export interface PgpassKey {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Split one line on unescaped colons; a field keeps `wild` when it was a bare `*`. */
function fields(line: string): { text: string; wild: boolean }[] {
  const out: { text: string; wild: boolean }[] = [];
  let text = '';
  let raw = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length) {
      text += line[++i];
      raw += `\\${line[i]}`;
    } else if (ch === ':' && out.length < 4) {
      out.push({ text, wild: raw === '*' });
      text = '';
      raw = '';
    } else if (ch === ':') {
      // libpq ends the password at an unescaped colon.
      break;
    } else {
      text += ch;
      raw += ch;
    }
  }
  out.push({ text, wild: raw === '*' });
  return out;
}

/** Entries of a password file's text, in file order (lines with fewer than five fields are skipped). */
export function parsePgpass(text: string): PgpassEntry[] {
  const entries: PgpassEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const f = fields(line);
    if (f.length < 5) continue;
    const w = (i: number) => (f[i].wild ? undefined : f[i].text);
    entries.push({ host: w(0), port: w(1), database: w(2), user: w(3), password: f[4].text });
  }
  return entries;
}

/** The password of the first entry matching `key`, as libpq picks it. */
export function matchPgpass(entries: PgpassEntry[], key: PgpassKey): string | undefined {
  const eq = (field: string | undefined, value: string) => field === undefined || field === value;
  const hit = entries.find((e) => eq(e.host, key.host) && eq(e.port, String(key.port)) && eq(e.database, key.database) && eq(e.user, key.user));
  return hit?.password;
}

/** Where libpq looks: PGPASSFILE, else ~/.pgpass (%APPDATA%\postgresql\pgpass.conf on Windows). */
export function pgpassPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PGPASSFILE) return env.PGPASSFILE;
  if (process.platform === 'win32') return env.APPDATA ? path.join(env.APPDATA, 'postgresql', 'pgpass.conf') : undefined;
  const home = env.HOME || os.homedir();
  return home ? path.join(home, '.pgpass') : undefined;
}

export interface PgpassResult {
  password?: string;
  file?: string;
  /** Why the file was not read (libpq would skip it too). */
  ignored?: string;
}

/**
 * Look the server up in the password file. As libpq does, a file that is not a regular file, or
 * (outside Windows) that its group or others may read, is ignored; `ignored` says why.
 */
export function pgpassLookup(key: PgpassKey, env: NodeJS.ProcessEnv = process.env): PgpassResult {
  const file = pgpassPath(env);
  if (!file) return {};
  let st;
  try {
    st = statSync(file);
  } catch {
    return {};
  }
  if (!st.isFile()) return { ignored: `the password file ${file} is not a plain file` };
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    return { ignored: `the password file ${file} has group or world access; libpq and pgflex ignore it until its permissions are u=rw (0600) or less (chmod 0600 ${file})` };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ignored: `the password file ${file} could not be read` };
  }
  const password = matchPgpass(parsePgpass(text), key);
  return password === undefined ? {} : { password, file };
}
