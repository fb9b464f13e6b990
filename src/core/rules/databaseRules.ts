/** Per-database rules, run for each chosen database. */
import { formatBytes, qualified, quoteIdent } from '../format';
import type { ValidationMessage, ValidationSummaryItem } from '../model';
import { AZURE_INTERNAL_DATABASES, CODE, RULE, TEMPLATE_DATABASES, UNSUPPORTED_EXTENSIONS } from './catalog';
import type { DatabaseFacts, DatabaseInfo, TableFacts, ValidationFacts } from './facts';
import { fail, item, listSome, majorOf, notChecked, ok, plural, warn } from './item';

/** How many statements a corrective action spells out before pointing at the objects list. */
const MAX_STATEMENTS = 20;

function statements(sql: string[]): string {
  if (sql.length <= MAX_STATEMENTS) return sql.join(' ');
  return `${sql.slice(0, MAX_STATEMENTS).join(' ')} … and the same for the other ${sql.length - MAX_STATEMENTS} (all are listed in objects).`;
}

const tableName = (t: TableFacts): string => qualified(t.schema, t.name);

export function schemaRule(f: ValidationFacts, db: string): ValidationSummaryItem {
  if (TEMPLATE_DATABASES.includes(db) || AZURE_INTERNAL_DATABASES.includes(db)) {
    return item(RULE.schema, [fail(`${db} is a ${TEMPLATE_DATABASES.includes(db) ? 'template' : 'Azure internal'} database and is never migrated.`)], {
      objects: [db],
      correctiveAction: `Remove ${db} from the databases to migrate.`,
    });
  }
  if (!f.source.ok) return notChecked(RULE.schema, 'the source server could not be reached.');
  const info = f.source.value.databases.find((d) => d.name === db);
  if (!info) {
    return item(RULE.schema, [fail(`Database ${db} does not exist on the source.`)], {
      code: CODE.dbMissingOnSource,
      objects: [db],
      correctiveAction: `Check the spelling (database names are case-sensitive) and remove ${db} from the list, or pick one of: ${listSome(f.source.value.databases.filter((d) => !d.isTemplate).map((d) => d.name), 8)}.`,
    });
  }
  const probe = f.sourceDatabases[db];
  if (!probe) return notChecked(RULE.schema, `database ${db} was not read on the source.`);
  if (!probe.ok) return notChecked(RULE.schema, `database ${db} could not be read on the source: ${probe.error}`);
  const facts = probe.value;
  const messages: ValidationMessage[] = [];
  const extra: Parameters<typeof item>[2] = {};
  const oids = facts.tables.filter((t) => t.withOids);
  const targetMajor = f.target.ok ? majorOf(f.target.value.versionNum) : undefined;
  if (oids.length && (targetMajor === undefined || targetMajor >= 12)) {
    messages.push(warn(`${plural(oids.length, 'table')} ${oids.length === 1 ? 'was' : 'were'} created WITH OIDS (${listSome(oids.map(tableName), 5)}); PostgreSQL 12 and newer have no table OIDs, so the hidden oid column is not copied.`));
    extra.code = CODE.withOids;
    extra.objects = oids.map(tableName);
    extra.correctiveAction = `If an application reads the oid column, add a real column first; then on the source: ${statements(oids.map((t) => `ALTER TABLE ${tableName(t)} SET WITHOUT OIDS;`))}`;
  }
  const bytes = info.sizeBytes !== undefined ? `, ${formatBytes(info.sizeBytes)}` : '';
  messages.unshift(ok(`Database ${db} exists on the source (${plural(facts.tables.length, 'table')}${bytes}).`));
  return item(RULE.schema, messages, extra);
}

export function targetDatabaseRule(f: ValidationFacts, db: string): ValidationSummaryItem {
  if (!f.target.ok) return notChecked(RULE.targetDatabase, 'the target server could not be reached.');
  const existing = f.target.value.databases.find((d) => d.name === db);
  if (!existing) return item(RULE.targetDatabase, [ok(`Database ${db} does not exist on the target yet; it will be created.`)]);
  if (f.overwrite) {
    return item(RULE.targetDatabase, [warn(`Database ${db} already exists on the target and will be dropped and created again: everything in it now is lost.`)], {
      objects: [db],
      correctiveAction: `If the target's copy of ${db} matters, back it up or rename it (ALTER DATABASE ${quoteIdent(db)} RENAME TO ${quoteIdent(`${db}_old`)};) before migrating.`,
    });
  }
  return item(RULE.targetDatabase, [fail(`Database ${db} already exists on the target, and overwrite is off.`)], {
    code: CODE.dbExistsOnTarget,
    objects: [db],
    correctiveAction: `Drop it on the target (DROP DATABASE ${quoteIdent(db)};) or turn on "overwrite databases on the target".`,
  });
}

export function extensionsRule(f: ValidationFacts, db: string, facts: DatabaseFacts): ValidationSummaryItem {
  const used = facts.extensions.filter((e) => e.name !== 'plpgsql');
  const messages: ValidationMessage[] = [];
  const actions: string[] = [];
  const objects: string[] = [];
  let code: number | undefined;
  const unsupported = used.filter((e) => UNSUPPORTED_EXTENSIONS.includes(e.name)).map((e) => e.name);
  if (unsupported.length) {
    code = CODE.unsupportedExtension;
    objects.push(...unsupported);
    messages.push(fail(`Database ${db} uses ${unsupported.join(', ')}, which the migration cannot move.`));
    actions.push(`Drop ${unsupported.length === 1 ? 'it' : 'them'} from the source if unused (${unsupported.map((e) => `DROP EXTENSION ${quoteIdent(e)};`).join(' ')}), or move this database with the extension's own tools.`);
  }
  if (!f.target.ok) {
    messages.push(fail('Not checked: the target server could not be reached, so its available extensions are unknown.'));
  } else {
    const available = new Set(f.target.value.availableExtensions);
    const absent = used.filter((e) => !available.has(e.name) && !unsupported.includes(e.name)).map((e) => e.name);
    if (absent.length) {
      code ??= CODE.extensionNotOnTarget;
      objects.push(...absent);
      messages.push(fail(`Not available on the target: ${absent.join(', ')} (used in database ${db}).`));
      actions.push(`Install ${absent.length === 1 ? 'its package' : 'their packages'} on the target server so ${absent.length === 1 ? 'it appears' : 'they appear'} in pg_available_extensions, or drop ${absent.length === 1 ? 'it' : 'them'} from the source (${absent.map((e) => `DROP EXTENSION ${quoteIdent(e)};`).join(' ')}).`);
    }
  }
  if (!messages.length) {
    messages.push(ok(used.length ? `The extensions in use (${listSome(used.map((e) => e.name))}) are available on the target.` : `Database ${db} uses no extensions besides plpgsql.`));
  }
  return item(RULE.extensions, messages, { code, objects, correctiveAction: actions.join(' ') || undefined });
}

function localeOf(d: DatabaseInfo): string {
  const icu = d.localeProvider === 'icu' ? `, ICU locale ${d.icuLocale ?? '?'}` : '';
  return `encoding ${d.encoding}, collation ${d.collate}, ctype ${d.ctype}${icu}`;
}

/** glibc treats `en_US.UTF-8` and `en_US.utf8` as one locale; so must we. */
export function normalizeLocale(locale: string): string {
  const m = /^([^.@]*)(?:\.([^@]*))?(@.*)?$/.exec(locale);
  if (!m) return locale;
  const codeset = m[2] ? `.${m[2].toLowerCase().replace(/[^a-z0-9]/g, '')}` : '';
  return `${m[1]}${codeset}${m[3] ?? ''}`;
}

function localeKnown(target: { collationLocales?: string[]; databases: DatabaseInfo[] }, locale: string): boolean | undefined {
  if (locale === 'C' || locale === 'POSIX' || locale === '') return true;
  const want = normalizeLocale(locale);
  if (target.databases.some((d) => normalizeLocale(d.collate) === want || normalizeLocale(d.ctype) === want)) return true;
  if (!target.collationLocales) return undefined;
  return target.collationLocales.some((l) => normalizeLocale(l) === want);
}

export function collationsRule(f: ValidationFacts, db: string): ValidationSummaryItem {
  if (!f.source.ok || !f.target.ok) return notChecked(RULE.collations, `the ${f.source.ok ? 'target' : 'source'} server could not be reached.`);
  const src = f.source.value.databases.find((d) => d.name === db);
  if (!src) return notChecked(RULE.collations, `database ${db} does not exist on the source.`);
  const target = f.target.value;
  const existing = target.databases.find((d) => d.name === db);
  const template = target.databases.find((d) => d.name === 'template1');
  const messages: ValidationMessage[] = [];
  const objects: string[] = [];
  let code: number | undefined;
  let action: string | undefined;
  const compare = (tgt: DatabaseInfo, where: string): void => {
    const diffs: string[] = [];
    if (src.encoding !== tgt.encoding) diffs.push(`encoding ${src.encoding} → ${tgt.encoding}`);
    if (normalizeLocale(src.collate) !== normalizeLocale(tgt.collate)) diffs.push(`collation ${src.collate} → ${tgt.collate}`);
    if (normalizeLocale(src.ctype) !== normalizeLocale(tgt.ctype)) diffs.push(`ctype ${src.ctype} → ${tgt.ctype}`);
    if (src.localeProvider !== tgt.localeProvider || (src.localeProvider === 'icu' && src.icuLocale !== tgt.icuLocale)) {
      diffs.push(`locale provider ${src.localeProvider}${src.icuLocale ? ` ${src.icuLocale}` : ''} → ${tgt.localeProvider}${tgt.icuLocale ? ` ${tgt.icuLocale}` : ''}`);
    }
    if (!diffs.length) {
      messages.push(ok(`Database ${db} (${localeOf(src)}) matches ${where}.`));
      return;
    }
    objects.push(db);
    messages.push(warn(`Database ${db} differs from ${where}: ${diffs.join('; ')}. Text may sort and compare differently on the target${src.encoding !== tgt.encoding ? ', and characters the target encoding lacks fail to copy' : ''}.`));
  };
  if (existing && !f.overwrite) {
    // The data goes into the database as it is.
    compare(existing, `the existing target database ${db}`);
    action = `Drop the target database and let the migration create it with the source's settings, or accept the difference and check queries that sort text.`;
  } else {
    // A new database is created with the source's encoding and locale when the target knows the locale.
    const missing = [...new Set([src.collate, src.ctype])].filter((l) => localeKnown(target, l) === false);
    if (missing.length) {
      code = CODE.collationMissing;
      objects.push(...missing);
      messages.push(warn(`The target does not know the locale ${missing.join(', ')} used by ${db}; the database gets the target's default instead (${template ? `collation ${template.collate}, ctype ${template.ctype}` : 'unknown'}), so text may sort differently.`));
      action = `Install the locale on the target machine (e.g. locale-gen ${missing[0]} and restart PostgreSQL) before migrating, or accept the target's default and check queries that sort text.`;
    } else if (src.localeProvider === 'icu' && f.engine !== 'azure') {
      objects.push(db);
      messages.push(warn(`Database ${db} uses the ICU locale ${src.icuLocale ?? '?'}; the direct engine creates it with the libc locale ${src.collate}, so text may sort differently.`));
      action = `Accept the libc ordering, or after the migration give the columns whose ordering matters an ICU collation (ALTER TABLE … ALTER COLUMN … TYPE text COLLATE "und-x-icu"); a database's locale provider cannot be changed later.`;
    } else {
      messages.push(ok(`Database ${db} will be created on the target with the source's ${localeOf(src)}.`));
    }
  }
  return item(RULE.collations, messages, { code, objects, correctiveAction: action });
}

/** Tables logical replication cannot carry updates and deletes for. */
export function tablesWithoutIdentity(facts: DatabaseFacts): TableFacts[] {
  // Unlogged tables are never published, so their identity does not matter (they get their own warning).
  return facts.tables.filter((t) => !t.partitioned && !t.unlogged && (t.replicaIdentity === 'nothing' || (t.replicaIdentity === 'default' && !t.hasPrimaryKey)));
}

export function replicaIdentityRule(db: string, facts: DatabaseFacts): ValidationSummaryItem {
  const bad = tablesWithoutIdentity(facts);
  if (!bad.length) return item(RULE.replicaIdentity, [ok(`Every table in ${db} has a primary key or a replica identity.`)]);
  const names = bad.map(tableName);
  return item(RULE.replicaIdentity, [fail(`${plural(bad.length, 'table')} in ${db} ${bad.length === 1 ? 'has' : 'have'} no primary key or replica identity, so updates and deletes to ${bad.length === 1 ? 'it' : 'them'} cannot be replicated: ${listSome(names)}.`)], {
    objects: names,
    correctiveAction: `In database ${quoteIdent(db)} on the source, add a primary key, or run: ${statements(names.map((n) => `ALTER TABLE ${n} REPLICA IDENTITY FULL;`))} Or migrate offline.`,
  });
}

export function unloggedRule(f: ValidationFacts, db: string, facts: DatabaseFacts): ValidationSummaryItem {
  const unlogged = facts.tables.filter((t) => t.unlogged).map(tableName);
  if (!unlogged.length) return item(RULE.unlogged, [ok(`No unlogged tables in ${db}.`)]);
  const what = f.engine === 'azure'
    ? 'copied once, but later changes are not replicated.'
    : 'not replicated while streaming (PostgreSQL writes no WAL for them): copied again at cutover, which their size makes longer; one that another table references keeps its first copy.';
  return item(RULE.unlogged, [warn(`${plural(unlogged.length, 'unlogged table')} in ${db} (${listSome(unlogged)}): ${what}`)], {
    objects: unlogged,
    correctiveAction: `If their changes after the copy matter, make them logged on the source: ${statements(unlogged.map((n) => `ALTER TABLE ${n} SET LOGGED;`))}`,
  });
}

export function largeObjectsRule(f: ValidationFacts, db: string, facts: DatabaseFacts): ValidationSummaryItem {
  if (!facts.largeObjects) return item(RULE.largeObjects, [ok(`No large objects in ${db}.`)]);
  if (f.engine !== 'azure') {
    return item(RULE.largeObjects, [warn(`${db} has ${plural(facts.largeObjects, 'large object')}: not replicated while streaming, they are brought up to date at cutover (removed ones unlinked, new and changed ones copied; comparing them reads them on both servers), which makes it longer.`)], {
      objects: [plural(facts.largeObjects, 'large object')],
      correctiveAction: 'If they are large, expect a longer cutover, or migrate offline.',
    });
  }
  return item(RULE.largeObjects, [warn(`${db} has ${plural(facts.largeObjects, 'large object')}: they are copied with the data, but changes to them after the copy are not replicated.`)], {
    objects: [plural(facts.largeObjects, 'large object')],
    correctiveAction: 'Stop writing large objects once the migration starts (until cutover), or migrate offline.',
  });
}

export function sequencesRule(db: string, facts: DatabaseFacts): ValidationSummaryItem {
  const text = facts.sequences
    ? `${plural(facts.sequences, 'sequence')} in ${db}: logical replication does not carry sequence values, so they are set from the source at cutover.`
    : `No sequences in ${db}.`;
  return item(RULE.sequences, [ok(text)]);
}

export function skewRule(f: ValidationFacts, db: string, facts: DatabaseFacts): ValidationSummaryItem {
  const minBytes = f.options?.skewMinBytes ?? 1024 ** 3;
  const share = f.options?.skewShare ?? 0.6;
  const tables = facts.tables.filter((t) => !t.partitioned).sort((a, b) => b.bytes - a.bytes);
  const total = tables.reduce((s, t) => s + t.bytes, 0);
  const summary = `${plural(tables.length, 'table')}, ${formatBytes(total)}${facts.sizesEstimated ? ' (estimated from page counts: a table was locked)' : ''}`;
  if (total < minBytes || tables.length < 2) return item(RULE.skew, [ok(`${db}: ${summary}; no table dominates the copy.`)]);
  const big: TableFacts[] = [];
  let acc = 0;
  for (const t of tables) {
    if (acc / total >= share) break;
    big.push(t);
    acc += t.bytes;
  }
  if (big.length > 3 || big.length >= tables.length) return item(RULE.skew, [ok(`${db}: ${summary}; the data is spread over many tables.`)]);
  const described = big.map((t) => `${tableName(t)} ${Math.round((t.bytes / total) * 100)}% (${formatBytes(t.bytes)})`);
  return item(RULE.skew, [warn(`${db}: ${big.length === 1 ? 'one table holds' : `${big.length} tables hold`} ${Math.round((acc / total) * 100)}% of ${formatBytes(total)}: ${described.join(', ')}. A copy of one table per worker would wait on ${big.length === 1 ? 'it' : 'them'}; the direct engine splits large tables into ranges copied in parallel.`)], {
    objects: big.map(tableName),
    correctiveAction: 'Nothing is required. To copy them faster, give each a single-column integer primary key (range splits are cheapest on one) and raise the number of parallel jobs; with the Azure service, set azure.migration_table_split_size on the target. Vacuum them first if they are bloated.',
  });
}
