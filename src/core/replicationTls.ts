/**
 * How the target's subscription reaches the source over TLS. The subscription is a libpq
 * connection made by the target server, so the CA file the user named on this machine is of
 * no use there: a PostgreSQL 16+ target verifies against its own system CAs
 * (`sslrootcert=system`), an older target cannot verify at all. Weaker TLS than the user asked
 * for is used only when the migration says so (allowWeakerReplicationTls), and then said.
 */

export type ReplicationTlsPlan =
  | { ok: true; params: string[]; note?: string; weaker?: string }
  | { ok: false; reason: string; fix: string };

export interface ReplicationTlsInput {
  sslMode: string;
  /** The CA file the user named for the source on this machine (not `system`), if any. */
  privateCa?: string;
  targetMajor: number;
  allowWeaker: boolean;
}

export const WEAKER_FLAG = '--allow-weaker-replication-tls';

function verifying(mode: string): boolean {
  return mode === 'verify-ca' || mode === 'verify-full';
}

/** The weaker plan, and the words shown on the migration when it is taken. */
export function weakerPlan(why: string): ReplicationTlsPlan {
  return {
    ok: true,
    params: ['sslmode=require'],
    weaker: `The target's replication connection to the source is encrypted but does not verify the source's certificate (sslmode=require), because ${why}; accepted with ${WEAKER_FLAG}.`,
  };
}

export function planReplicationTls(i: ReplicationTlsInput): ReplicationTlsPlan {
  if (!verifying(i.sslMode)) return { ok: true, params: [`sslmode=${i.sslMode}`] };
  if (i.targetMajor >= 16) {
    // libpq refuses sslrootcert=system with any mode but verify-full.
    const upgraded = i.sslMode === 'verify-ca' ? ' (verify-ca becomes verify-full: libpq takes the system CAs only with host name checks)' : '';
    const note = i.privateCa
      ? `The target verifies the source's certificate against the target host's system CAs (sslrootcert=system)${upgraded}; the CA file ${i.privateCa} named here is not on the target, so that CA must also be in the target host's system store, or the subscription is refused.`
      : `The target verifies the source's certificate against the target host's system CAs (sslrootcert=system)${upgraded}.`;
    return { ok: true, params: ['sslmode=verify-full', 'sslrootcert=system'], note };
  }
  const why = `the target runs PostgreSQL ${i.targetMajor}, whose subscriptions cannot verify the source's certificate (sslrootcert=system needs PostgreSQL 16 or newer, and a CA file named here is not on the target)`;
  if (i.allowWeaker) return weakerPlan(why);
  return {
    ok: false,
    reason: `SSL mode ${i.sslMode} was asked for the source, but ${why}.`,
    fix: `Use a PostgreSQL 16 or newer target, or accept an encrypted but unverified replication connection with ${WEAKER_FLAG} (CLI) or allowWeakerReplicationTls in the migration.`,
  };
}

/** A CREATE SUBSCRIPTION error that says the target could not verify the source's certificate. */
export function isCertificateRefusal(message: string): boolean {
  return /certificate verify failed|server certificate for .* does not match|certificate .* does not match host name|root certificate file .* does not exist|could not read root certificate|SSL error: (?:unable to get|self[- ]signed)/i.test(message);
}
