/** Server-level rules: connectivity, versions, replication settings, privileges, roles. */
import { quoteIdent, quoteLiteral } from '../format';
import type { ValidationMessage, ValidationSummaryItem } from '../model';
import { MAX_DATABASES } from '../names';
import { planReplicationTls } from '../replicationTls';
import { clientToolFix, clientToolProblem } from './clientTools';
import { CODE, MIN_SOURCE_MAJOR, BUILTIN_ROLE_PREFIXES, RULE } from './catalog';
import type { ServerFacts, ValidationFacts } from './facts';
import { fail, item, listSome, majorOf, notChecked, ok, plural, versionLabel, warn } from './item';
import { isAzureSingleServer, isMemberOf, readDatabases, serverLabel, settingNumber, unreadDatabases } from './servers';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i;

export function connectivityRule(f: ValidationFacts): ValidationSummaryItem {
  const messages: ValidationMessage[] = [];
  const actions: string[] = [];
  let code: number | undefined;
  for (const side of ['source', 'target'] as const) {
    const probe = side === 'source' ? f.source : f.target;
    const ep = side === 'source' ? f.sourceEndpoint : f.targetEndpoint;
    const label = serverLabel(side, ep);
    if (!probe.ok) {
      messages.push(fail(probe.error));
      const kind = probe.kind ?? '';
      const c = kind === 'auth' ? CODE.auth : kind.startsWith('tls') ? CODE.ssl : CODE.unreachable;
      code ??= c;
      actions.push(
        kind === 'auth'
          ? `Check the user name and password for the ${label}.`
          : kind.startsWith('tls')
            ? `Match the SSL mode to what the ${label} offers (prefer or require work with every server that has TLS).`
            : `Make sure the ${label} is running and reachable from this machine (host, port, firewall, pg_hba.conf).`,
      );
      continue;
    }
    const tls = probe.value.tls;
    const text = `Connected to the ${label} as "${probe.value.user.name}" ${tls ? 'over TLS' : 'without TLS'}.`;
    // Plain text is what the user asked for with sslmode=disable, and harmless on loopback.
    if (!tls && ep && ep.sslMode !== 'disable' && !LOOPBACK.test(ep.host)) {
      messages.push(warn(`${text} Passwords and data cross the network unencrypted.`));
      actions.push(`Enable TLS on the ${label} (ssl = on) and connect with SSL mode require.`);
    } else {
      messages.push(ok(text));
    }
  }
  return item(RULE.connectivity, messages, { code, correctiveAction: actions.join(' ') || undefined });
}

export function sourceVersionRule(f: ValidationFacts): ValidationSummaryItem {
  if (!f.source.ok) return notChecked(RULE.sourceVersion, 'the source server could not be reached, so its version is unknown.');
  const src = f.source.value;
  const srcMajor = majorOf(src.versionNum);
  const messages: ValidationMessage[] = [];
  const actions: string[] = [];
  let code: number | undefined;
  if (srcMajor < MIN_SOURCE_MAJOR) {
    messages.push(fail(`The source runs PostgreSQL ${versionLabel(src.versionNum)}; the migration needs ${MIN_SOURCE_MAJOR} or newer.`));
    actions.push(`Upgrade the source to PostgreSQL ${MIN_SOURCE_MAJOR} or newer first, or move it with pg_dump/pg_restore by hand.`);
    code = CODE.sourceVersion;
  } else {
    messages.push(ok(`The source runs PostgreSQL ${versionLabel(src.versionNum)} (${MIN_SOURCE_MAJOR} or newer is supported).`));
  }
  if (!f.target.ok) {
    messages.push(fail('Not checked: the target server could not be reached, so whether it is at least the source version is unknown.'));
  } else {
    const tgt = f.target.value;
    const tgtMajor = majorOf(tgt.versionNum);
    if (tgtMajor < srcMajor) {
      messages.push(fail(`The target runs PostgreSQL ${versionLabel(tgt.versionNum)}, older than the source's ${versionLabel(src.versionNum)}: a database cannot be moved to an older major version.`));
      actions.push(`Choose a target running PostgreSQL ${srcMajor} or newer.`);
    } else {
      messages.push(ok(`The target runs PostgreSQL ${versionLabel(tgt.versionNum)}, not older than the source.`));
    }
  }
  return item(RULE.sourceVersion, messages, { code, correctiveAction: actions.join(' ') || undefined });
}

export function pgDumpRule(f: ValidationFacts): ValidationSummaryItem | undefined {
  if (!f.pgDump) return undefined;
  if (!f.pgDump.ok) {
    return item(RULE.pgDump, [fail(f.pgDump.error)], {
      correctiveAction: 'Install the PostgreSQL client tools (apt-get install postgresql-client, or the installer for your system) at least at the source\'s major version, and make sure pg_dump is on PATH.',
    });
  }
  const dump = f.pgDump.value;
  // The engine applies pg_dump's output with psql: both must carry the CVE-2025-8714 fix.
  const unsafe = [{ tool: 'pg_dump' as const, facts: dump }, ...(f.psql?.ok ? [{ tool: 'psql' as const, facts: f.psql.value }] : [])]
    .map((t) => ({ ...t, problem: clientToolProblem(t.tool, t.facts.version) }))
    .filter((t) => t.problem !== undefined);
  if (unsafe.length) {
    return item(RULE.pgDump, unsafe.map((t) => fail(`${t.problem} (${t.facts.path})`)), { correctiveAction: clientToolFix(unsafe[0].facts.version) });
  }
  if (f.psql && !f.psql.ok) {
    return item(RULE.pgDump, [fail(f.psql.error)], { correctiveAction: 'Install the PostgreSQL client tools (psql comes with pg_dump) and make sure psql is on PATH, or set PGFLEX_PSQL.' });
  }
  if (!f.source.ok) return notChecked(RULE.pgDump, 'the source version is unknown because the source server could not be reached.');
  const srcMajor = majorOf(f.source.value.versionNum);
  if (dump.major < srcMajor) {
    return item(RULE.pgDump, [fail(`pg_dump ${dump.version} (${dump.path}) cannot dump a PostgreSQL ${srcMajor} source: pg_dump must be at least the source's major version.`)], {
      correctiveAction: `Install the PostgreSQL ${srcMajor} (or newer) client tools and put that pg_dump first on PATH (or point the migration at it).`,
    });
  }
  return item(RULE.pgDump, [ok(`pg_dump ${dump.version} can dump the PostgreSQL ${srcMajor} source${f.psql?.ok ? `, and psql ${f.psql.value.version} applies it` : ''}; both carry the fix for CVE-2025-8714.`)]);
}

/**
 * Online, direct engine: the target's subscription connects to the source itself, and must
 * check the source's certificate as the user's own connections do (src/core/replicationTls.ts).
 */
export function replicationTlsRule(f: ValidationFacts): ValidationSummaryItem | undefined {
  if (f.mode !== 'Online' || (f.engine ?? 'direct') !== 'direct') return undefined;
  if (!f.target.ok) return notChecked(RULE.replicationTls, 'the target server could not be reached, so whether its subscription can verify the source is unknown.');
  const sslMode = f.sourceEndpoint?.sslMode ?? 'prefer';
  const rootCert = f.sourceEndpoint?.sslRootCert;
  const plan = planReplicationTls({ sslMode, privateCa: rootCert && rootCert !== 'system' ? rootCert : undefined, targetMajor: majorOf(f.target.value.versionNum), allowWeaker: !!f.allowWeakerReplicationTls });
  if (!plan.ok) return item(RULE.replicationTls, [fail(plan.reason)], { correctiveAction: plan.fix });
  if (plan.weaker) return item(RULE.replicationTls, [warn(plan.weaker)]);
  if (plan.note) return item(RULE.replicationTls, [ok(plan.note)]);
  return item(RULE.replicationTls, [ok(`The target connects to the source with SSL mode ${sslMode}, as asked for.`)]);
}

export function serverParametersRule(f: ValidationFacts): ValidationSummaryItem {
  if (f.mode !== 'Online') return item(RULE.serverParameters, [ok('Offline mode needs no replication settings on the source.')]);
  if (!f.source.ok) return notChecked(RULE.serverParameters, 'the source server could not be reached, so wal_level is unknown.');
  const src = f.source.value;
  const walLevel = src.settings.wal_level ?? 'unknown';
  if (walLevel === 'logical') return item(RULE.serverParameters, [ok('wal_level is logical on the source: logical replication can run.')]);
  if (isAzureSingleServer(src)) {
    const support = src.settings['azure.replication_support'] ?? 'unknown';
    return item(RULE.serverParameters, [fail(`The source is an Azure Single Server with replication support ${support} (wal_level ${walLevel}); online migration needs Logical.`)], {
      code: CODE.walLevel,
      objects: ['azure.replication_support'],
      correctiveAction: 'On the source Single Server, set Replication support to Logical (portal: Replication; or az postgres server configuration set --name azure.replication_support --value logical) and restart the server: enabling it restarts the source.',
    });
  }
  return item(RULE.serverParameters, [fail(`wal_level is ${walLevel} on the source; online migration reads changes through logical decoding, which needs wal_level = logical.`)], {
    code: CODE.walLevel,
    objects: ['wal_level'],
    correctiveAction: 'On the source run ALTER SYSTEM SET wal_level = logical; (on a managed service set its logical-replication parameter instead), then restart the source server: wal_level only changes on restart. Or migrate offline.',
  });
}

export function replicationCapacityRule(f: ValidationFacts): ValidationSummaryItem | undefined {
  if (f.mode !== 'Online') return undefined;
  const n = new Set(f.databases).size;
  const messages: ValidationMessage[] = [];
  const actions: string[] = [];
  const objects: string[] = [];
  let code: number | undefined;
  if (!f.source.ok) {
    messages.push(fail('Not checked on the source: the source server could not be reached.'));
  } else {
    const src = f.source.value;
    const slots = settingNumber(src, 'max_replication_slots') ?? 0;
    const freeSlots = slots - src.replicationSlots.total;
    if (freeSlots < n) {
      code ??= CODE.replicationSlots;
      objects.push(...src.replicationSlots.inactiveLogical);
      messages.push(fail(`The source has ${plural(freeSlots < 0 ? 0 : freeSlots, 'free replication slot')} (max_replication_slots = ${slots}, ${src.replicationSlots.total} in use); the migration needs one per database: ${n}.`));
      const drop = src.replicationSlots.inactiveLogical.length
        ? ` Or drop unused slots: ${src.replicationSlots.inactiveLogical.slice(0, 5).map((s) => `SELECT pg_drop_replication_slot(${quoteLiteral(s)});`).join(' ')}`
        : '';
      actions.push(`Raise max_replication_slots on the source to at least ${src.replicationSlots.total + n} (ALTER SYSTEM SET max_replication_slots = ${src.replicationSlots.total + n}; then restart).${drop}`);
    } else {
      messages.push(ok(`The source has ${plural(freeSlots, 'free replication slot')} for ${plural(n, 'database')}.`));
    }
    const senders = settingNumber(src, 'max_wal_senders') ?? 0;
    const freeSenders = senders - src.walSenders;
    if (freeSenders < n) {
      code ??= CODE.walSenders;
      messages.push(fail(`The source has ${plural(freeSenders < 0 ? 0 : freeSenders, 'free WAL sender')} (max_wal_senders = ${senders}, ${src.walSenders} in use); the migration needs one per database: ${n}.`));
      actions.push(`Raise max_wal_senders on the source to at least ${Math.max(src.walSenders + n, slots)} (keep it ≥ max_replication_slots), then restart the source.`);
    } else {
      messages.push(ok(`The source has ${plural(freeSenders, 'free WAL sender')}.`));
    }
  }
  if (!f.target.ok) {
    messages.push(fail('Not checked on the target: the target server could not be reached.'));
  } else {
    const tgt = f.target.value;
    const workers = settingNumber(tgt, 'max_logical_replication_workers') ?? 0;
    const processes = settingNumber(tgt, 'max_worker_processes') ?? 0;
    const origins = settingNumber(tgt, 'max_replication_slots') ?? 0;
    // One apply worker per subscription, plus the launcher in the general worker pool.
    if (workers < n) {
      messages.push(fail(`The target allows ${plural(workers, 'logical replication worker')} (max_logical_replication_workers); the migration needs one per database: ${n}.`));
      actions.push(`On the target set max_logical_replication_workers to at least ${n + 2} and restart it.`);
    } else {
      messages.push(ok(`The target allows ${plural(workers, 'logical replication worker')}.`));
    }
    if (processes < n + 1) {
      messages.push(fail(`The target allows ${plural(processes, 'background worker')} (max_worker_processes); the migration needs at least ${n + 1}.`));
      actions.push(`On the target set max_worker_processes to at least ${n + 4} and restart it.`);
    }
    if (origins < n) {
      messages.push(fail(`The target has max_replication_slots = ${origins}; each subscription needs one replication origin, so at least ${n}.`));
      actions.push(`On the target set max_replication_slots to at least ${n + 1} and restart it.`);
    }
  }
  return item(RULE.replicationCapacity, messages, { code, objects, correctiveAction: actions.join(' ') || undefined });
}

export function databaseSelectionRule(f: ValidationFacts): ValidationSummaryItem {
  const dbs = f.databases;
  if (dbs.length === 0) return item(RULE.selection, [fail('No database was chosen.')], { correctiveAction: 'Choose at least one database to migrate.' });
  const dup = dbs.filter((d, i) => dbs.indexOf(d) !== i);
  const messages: ValidationMessage[] = [];
  const actions: string[] = [];
  if (dbs.length > MAX_DATABASES) {
    messages.push(fail(`${dbs.length} databases were chosen; one migration moves at most ${MAX_DATABASES}.`));
    actions.push(`Split them into migrations of at most ${MAX_DATABASES} databases each, e.g. move ${listSome(dbs.slice(MAX_DATABASES), 5)} in a second migration.`);
  }
  if (dup.length) {
    messages.push(fail(`Chosen more than once: ${listSome([...new Set(dup)])}.`));
    actions.push('Choose each database once.');
  }
  if (!messages.length) messages.push(ok(`${plural(dbs.length, 'database')} chosen (at most ${MAX_DATABASES}).`));
  return item(RULE.selection, messages, { objects: dbs.length > MAX_DATABASES ? dbs.slice(MAX_DATABASES) : dup, correctiveAction: actions.join(' ') || undefined });
}

function grantScript(user: string, db: string, schemas: string[]): string {
  const u = quoteIdent(user);
  const parts = schemas.map((s) => `GRANT USAGE ON SCHEMA ${quoteIdent(s)} TO ${u}; GRANT SELECT ON ALL TABLES IN SCHEMA ${quoteIdent(s)} TO ${u}; GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${quoteIdent(s)} TO ${u};`);
  return `In database ${quoteIdent(db)}: ${parts.join(' ')}`;
}

export function sourcePrivilegesRule(f: ValidationFacts): ValidationSummaryItem {
  if (!f.source.ok) return notChecked(RULE.sourcePrivileges, 'the source server could not be reached.');
  const src = f.source.value;
  const user = src.user.name;
  const messages: ValidationMessage[] = [];
  const actions: string[] = [];
  const objects: string[] = [];
  let code: number | undefined;
  for (const { name, error } of unreadDatabases(f)) messages.push(fail(`Not checked in database ${name}: ${error}`));
  const noConnect = f.databases.filter((d) => src.databases.some((x) => x.name === d && !x.canConnect));
  if (noConnect.length) {
    code = CODE.sourceOwnership;
    messages.push(fail(`User "${user}" may not connect to ${listSome(noConnect)} on the source.`));
    actions.push(noConnect.map((d) => `GRANT CONNECT ON DATABASE ${quoteIdent(d)} TO ${quoteIdent(user)};`).join(' '));
  }
  let unreadable = 0;
  for (const db of readDatabases(f)) {
    const tables = db.tables.filter((t) => !t.readable).map((t) => ({ schema: t.schema, name: `${quoteIdent(t.schema)}.${quoteIdent(t.name)}` }));
    const seqs = db.unreadableSequences.map((s) => ({ schema: s.schema, name: `${quoteIdent(s.schema)}.${quoteIdent(s.name)}` }));
    if (!tables.length && !seqs.length) continue;
    unreadable += tables.length + seqs.length;
    objects.push(...[...tables, ...seqs].map((t) => `${db.name}: ${t.name}`));
    const schemas = [...new Set([...tables, ...seqs].map((t) => t.schema))];
    messages.push(fail(`User "${user}" cannot read ${plural(tables.length, 'table')}${seqs.length ? ` and ${plural(seqs.length, 'sequence')}` : ''} in database ${db.name}: ${listSome([...tables, ...seqs].map((t) => t.name), 5)}.`));
    actions.push(grantScript(user, db.name, schemas));
  }
  if (unreadable) {
    code ??= CODE.sourceOwnership;
    actions.push(`Or migrate as the owner of these objects${majorOf(src.versionNum) >= 14 ? `, or GRANT pg_read_all_data TO ${quoteIdent(user)};` : '.'}`);
  } else if (!messages.length) {
    messages.push(ok(`User "${user}" can read every table and sequence in the chosen databases.`));
  }
  if (f.mode === 'Online') {
    const canReplicate = src.user.superuser || src.user.replication || isMemberOf(src, 'azure_pg_admin') || isMemberOf(src, 'rds_replication');
    if (!canReplicate) {
      code ??= CODE.replicationRole;
      messages.push(fail(`User "${user}" has neither REPLICATION nor superuser on the source; online migration opens a logical replication connection.`));
      actions.push(`On the source run ALTER ROLE ${quoteIdent(user)} WITH REPLICATION;`);
    } else {
      messages.push(ok(`User "${user}" may open replication connections on the source.`));
    }
    if (f.replicateDdl) {
      if (src.user.superuser) {
        messages.push(ok(`User "${user}" is a superuser of the source, so it may create the event triggers that queue schema changes for the target.`));
      } else {
        code ??= CODE.replicationRole;
        messages.push(fail(`Replicating schema changes needs event triggers on the source, which only a superuser may create; user "${user}" is not one${isMemberOf(src, 'azure_pg_admin') || isMemberOf(src, 'rds_superuser') ? ' (a managed service\'s admin role is not a superuser)' : ''}.`));
        actions.push('Migrate as a superuser of the source, or migrate without replicating schema changes and apply any DDL to both servers yourself while the migration streams.');
      }
    }
    if (!src.user.superuser) {
      for (const db of readDatabases(f)) {
        const notOwned = db.tables.filter((t) => !t.owned).map((t) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`);
        if (!db.canCreate) {
          messages.push(fail(`User "${user}" lacks CREATE on database ${db.name}, needed to create the publication.`));
          actions.push(`GRANT CREATE ON DATABASE ${quoteIdent(db.name)} TO ${quoteIdent(user)};`);
        }
        if (notOwned.length) {
          messages.push(fail(`User "${user}" does not own ${plural(notOwned.length, 'table')} in database ${db.name} (${listSome(notOwned, 5)}); only a table's owner or a superuser can publish it.`));
          actions.push(`Migrate as a superuser or as the tables' owner, or make "${user}" a member of the owning roles (GRANT <owner> TO ${quoteIdent(user)};).`);
          objects.push(...notOwned.map((t) => `${db.name}: ${t}`));
        }
      }
    }
  }
  return item(RULE.sourcePrivileges, messages, { code, objects: [...new Set(objects)], correctiveAction: actions.join(' ') || undefined });
}

function canDropDatabase(t: ServerFacts, owner: string): boolean {
  return t.user.superuser || isMemberOf(t, owner);
}

export function targetPrivilegesRule(f: ValidationFacts): ValidationSummaryItem {
  if (!f.target.ok) return notChecked(RULE.targetPrivileges, 'the target server could not be reached.');
  const t = f.target.value;
  const user = t.user.name;
  const messages: ValidationMessage[] = [];
  const actions: string[] = [];
  let code: number | undefined;
  if (t.user.superuser || t.user.createdb) {
    messages.push(ok(`User "${user}" may create databases on the target.`));
  } else {
    messages.push(fail(`User "${user}" may not create databases on the target (no CREATEDB).`));
    actions.push(`On the target run ALTER ROLE ${quoteIdent(user)} CREATEDB; (or migrate as the server admin).`);
  }
  if (f.overwrite) {
    const blocked = f.databases.filter((d) => t.databases.some((x) => x.name === d && !canDropDatabase(t, x.owner)));
    if (blocked.length) {
      code = CODE.dropTargetDb;
      messages.push(fail(`User "${user}" cannot drop ${listSome(blocked)} on the target to overwrite ${blocked.length === 1 ? 'it' : 'them'}: only the owner or a superuser can.`));
      actions.push(`Drop ${blocked.length === 1 ? 'it' : 'them'} on the target yourself (${blocked.map((d) => `DROP DATABASE ${quoteIdent(d)};`).join(' ')}) or migrate as ${blocked.length === 1 ? 'its' : 'their'} owner.`);
    }
  }
  if (f.mode === 'Online') {
    const major = majorOf(t.versionNum);
    const canSubscribe = t.user.superuser || isMemberOf(t, 'azure_pg_admin') || (major >= 16 && isMemberOf(t, 'pg_create_subscription'));
    if (!canSubscribe) {
      messages.push(fail(`User "${user}" cannot create subscriptions on the target (needs superuser${major >= 16 ? ' or membership in pg_create_subscription' : ''}).`));
      actions.push(major >= 16 ? `On the target run GRANT pg_create_subscription TO ${quoteIdent(user)};` : 'Migrate online as a superuser of the target.');
    }
  }
  return item(RULE.targetPrivileges, messages, { code, correctiveAction: actions.join(' ') || undefined });
}

function isBuiltinRole(name: string): boolean {
  return BUILTIN_ROLE_PREFIXES.some((p) => name.startsWith(p));
}

export function rolesRule(f: ValidationFacts): ValidationSummaryItem {
  if (!f.target.ok) return notChecked(RULE.roles, 'the target server could not be reached, so its roles are unknown.');
  const onTarget = new Set(f.target.value.roles);
  const targetUser = f.target.value.user.name;
  const used = new Map<string, { owns: number; grants: number; dbs: Set<string> }>();
  for (const db of readDatabases(f)) {
    for (const r of db.roles) {
      if (isBuiltinRole(r.name)) continue;
      const u = used.get(r.name) ?? { owns: 0, grants: 0, dbs: new Set<string>() };
      u.owns += r.owns;
      u.grants += r.grants;
      u.dbs.add(db.name);
      used.set(r.name, u);
    }
  }
  const describe = (r: string): string => {
    const u = used.get(r)!;
    const what = [u.owns ? `owns ${plural(u.owns, 'object')}` : '', u.grants ? `holds ${plural(u.grants, 'grant')}` : ''].filter(Boolean).join(' and ');
    return `"${r}" ${what} in ${listSome([...u.dbs])}`;
  };
  const messages: ValidationMessage[] = unreadDatabases(f).map(({ name, error }) => fail(`Not checked in database ${name}: ${error}`));
  const names = [...used.keys()].sort();
  const missing = names.filter((r) => !onTarget.has(r));
  const create = missing.length ? `Create the missing roles on the target first: ${missing.map((r) => `CREATE ROLE ${quoteIdent(r)};`).join(' ')} (add LOGIN PASSWORD '…' for roles that sign in).` : '';
  if (f.engine !== 'azure' && names.length && f.migrateRoles) {
    const tu = f.target.value.user;
    if (missing.length && !tu.superuser && !tu.createrole) {
      messages.push(fail(`The target user "${tu.name}" may not create roles (neither superuser nor CREATEROLE), and ${listSome(missing)} ${missing.length > 1 ? 'are' : 'is'} missing on the target.`));
      return item(RULE.roles, messages, {
        objects: missing,
        correctiveAction: `Grant CREATEROLE to "${tu.name}" on the target (ALTER ROLE ${quoteIdent(tu.name)} CREATEROLE), create the roles there first (${missing.map((r) => `CREATE ROLE ${quoteIdent(r)};`).join(' ')}), or migrate without roles.`,
      });
    }
    messages.push(ok(`Ownership and grants are carried: ${listSome(names.map(describe), 5)}.`));
    if (missing.length) messages.push(ok(`Created on the target before the schema, with the roles that are members of them, their memberships and settings: ${listSome(missing)}.`));
    if (f.source.ok && !f.source.value.user.superuser) {
      messages.push(warn(`The source user "${f.source.value.user.name}" is not a superuser, so role passwords cannot be read: roles that sign in arrive without one.`));
    }
    return item(RULE.roles, messages, {
      objects: missing,
      correctiveAction: f.source.ok && !f.source.value.user.superuser ? 'After the migration, set the passwords of the login roles on the target (ALTER ROLE … PASSWORD).' : undefined,
    });
  }
  if (f.engine !== 'azure' && names.length) {
    // pg_dump --no-owner --no-privileges: the direct engine never carries ownership or grants.
    messages.push(warn(`The direct engine copies no ownership or GRANTs: every object arrives owned by "${targetUser}". On the source, ${listSome(names.map(describe), 5)}.`));
    if (missing.length) messages.push(warn(`Missing on the target: ${listSome(missing)}.`));
    return item(RULE.roles, messages, {
      objects: names,
      correctiveAction: `${create ? `${create} ` : ''}After the migration, re-apply ownership and grants on the target: pg_dump --schema-only of each source database, filtered to its ALTER … OWNER TO, GRANT and REVOKE lines, is the script to run there.`,
    });
  }
  if (f.engine === 'azure' && f.migrateRoles && f.source.ok && (!isAzureSingleServer(f.source.value) || majorOf(f.source.value.versionNum) >= 16)) {
    // The service's documented limit: roles, owners and grants come only from a Single Server, never from 16.
    messages.push(warn(`The Azure migration service migrates roles, ownership and grants only from an Azure Single Server source, and not from PostgreSQL 16: with this source, "migrate roles" carries nothing.`));
  }
  for (const r of missing) messages.push(warn(`Role ${describe(r)} but does not exist on the target: its objects would belong to the migrating user and its grants would be lost.`));
  if (!messages.length) messages.push(ok(names.length ? `All ${plural(names.length, 'role')} owning objects or holding grants exist on the target.` : 'No roles other than built-in ones own objects or hold grants.'));
  return item(RULE.roles, messages, { objects: missing, correctiveAction: create || undefined });
}
