/**
 * Which pg_dump and psql releases are safe to run against a source we do not control.
 * CVE-2025-8714: a superuser of the dumped server can make a plain-format dump carry psql
 * meta-commands (`\!` runs a shell command on the machine that restores it). The fixed
 * releases write `\restrict <key>` at the top of the dump, and psql then refuses every
 * meta-command until `\unrestrict <key>`.
 */

/** The first fixed minor release of each supported major. */
export const CVE_2025_8714_FIXED: Readonly<Record<number, number>> = { 13: 22, 14: 19, 15: 14, 16: 10, 17: 6 };
/** The oldest client major still supported by the PostgreSQL project. */
export const OLDEST_CLIENT_MAJOR = 13;

export interface ClientVersion {
  major: number;
  /** Undefined for a development or beta build (`18beta1`, `19devel`). */
  minor?: number;
}

/** `15.18`, `15.18 (Debian 15.18-0+deb12u1)`, `18beta1`, `9.6.24` → major and minor. */
export function parseClientVersion(version: string): ClientVersion | undefined {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!m) return undefined;
  const first = Number(m[1]);
  // Before 10 the major had two parts (9.6.24): the minor is then the third.
  if (first < 10) return { major: first + Number(m[2] ?? 0) / 10, minor: m[3] === undefined ? undefined : Number(m[3]) };
  return { major: first, minor: m[2] === undefined ? undefined : Number(m[2]) };
}

/**
 * Why this client release must not be used, or undefined when it is fixed. A major newer than
 * the table (18 onwards) was released with the fix.
 */
export function clientToolProblem(tool: 'pg_dump' | 'psql', version: string): string | undefined {
  const v = parseClientVersion(version);
  if (!v) return `${tool} reports version "${version}", which pgflex cannot read, so whether it carries the fix for CVE-2025-8714 is unknown.`;
  if (v.major < OLDEST_CLIENT_MAJOR) {
    return `${tool} ${version} is older than PostgreSQL ${OLDEST_CLIENT_MAJOR}, which is out of support and never got the fix for CVE-2025-8714 (a source's superuser can make a dump run shell commands where it is restored).`;
  }
  const fixed = CVE_2025_8714_FIXED[v.major];
  if (fixed === undefined) return undefined;
  if (v.minor === undefined || v.minor < fixed) {
    return `${tool} ${version} predates ${v.major}.${fixed}, the release that fixes CVE-2025-8714 (a source's superuser can make a dump run shell commands where it is restored).`;
  }
  return undefined;
}

/** What to do about an unsafe client: install the fixed release of its major (or a newer major). */
export function clientToolFix(version: string): string {
  const v = parseClientVersion(version);
  const major = v && v.major >= OLDEST_CLIENT_MAJOR && CVE_2025_8714_FIXED[v.major] !== undefined ? v.major : 17;
  const min = `${major}.${CVE_2025_8714_FIXED[major]}`;
  return `Install PostgreSQL client tools ${min} or newer (Debian/Ubuntu: apt-get install postgresql-client-${major} from the distribution's updates or apt.postgresql.org; RHEL/Fedora: postgresql${major} from the PGDG repository; macOS: brew upgrade libpq; Windows: the EDB installer), then point PGFLEX_PG_DUMP/PGFLEX_PSQL (or the pgDumpPath setting) at them.`;
}
