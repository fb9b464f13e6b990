import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { planReplicationTls } from '../../src/core/replicationTls';
import { clientToolProblem, clientToolFix } from '../../src/core/rules/clientTools';
import { runRules } from '../../src/core/rules';
import { checkRestrictKey } from '../../src/direct/pgTools';
import { entraTokenAllowed, fixedTokenFor, azureCloud, armScope } from '../../src/extension/model/azureCloud';
import { defaultRootCertFor } from '../../src/pg/azureHosts';
import { AZURE_ROOT_CAS } from '../../src/pg/azureRootCas';
import { connInfo } from '../../src/extension/connections/pgTester';
import { libpqEnv } from '../../src/pg/libpqEnv';
import type { ValidationDetails, ValidationSummaryItem } from '../../src/core/model';
import { cleanFacts } from './rulesFixtures';

function serverItem(d: ValidationDetails, type: string): ValidationSummaryItem {
  const found = d.serverLevelValidationDetails?.find((i) => i.type === type);
  assert.ok(found, `no ${type} item`);
  return found;
}

const conn = { host: 'db.example', port: 5432, user: 'alice', password: 'pw', database: 'sales', sslMode: 'verify-full' as const };

describe('child processes get only what they need', () => {
  const inherited = {
    PATH: '/usr/bin', HOME: '/home/a', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC',
    PGFLEX_SOURCE_PASSWORD: 'source-secret', PGFLEX_TARGET_PASSWORD: 'target-secret', PGFLEX_ARM_TOKEN: 'arm',
    PGSERVICE: 'elsewhere', PGHOSTADDR: '10.9.9.9', PGOPTIONS: '-c search_path=evil', PGSSLMODE: 'disable', PGHOST: 'other', PGDATABASE: 'other',
    PGSSLROOTCERT: '/tmp/planted.pem', AWS_SECRET_ACCESS_KEY: 'x',
  };

  it('builds the environment from an allowlist plus the explicit PG* of the one server', () => {
    const env = libpqEnv({ ...conn, sslMode: 'require' }, inherited);
    assert.deepEqual(Object.keys(env).sort(), ['HOME', 'LANG', 'LC_ALL', 'PATH', 'PGAPPNAME', 'PGCONNECT_TIMEOUT', 'PGDATABASE', 'PGHOST', 'PGPASSWORD', 'PGPORT', 'PGSSLMODE', 'PGUSER', 'TZ']);
    assert.deepEqual([env.PGHOST, env.PGDATABASE, env.PGSSLMODE, env.PGPASSWORD], ['db.example', 'sales', 'require', 'pw']);
  });

  it('passes the CA and client certificate files the connection names as PGSSLROOTCERT, PGSSLCERT, PGSSLKEY', () => {
    const env = libpqEnv({ ...conn, sslRootCert: '/etc/pgflex/ca.pem', sslCert: '/c.crt', sslKey: '/c.key' }, inherited);
    assert.deepEqual([env.PGSSLROOTCERT, env.PGSSLCERT, env.PGSSLKEY], ['/etc/pgflex/ca.pem', '/c.crt', '/c.key']);
  });

  it("without a password, lets libpq read the user's PGPASSFILE, as the engine's sessions do", () => {
    const env = libpqEnv({ ...conn, password: undefined }, { ...inherited, PGPASSFILE: '/home/a/pass' });
    assert.equal(env.PGPASSWORD, undefined);
    assert.equal(env.PGPASSFILE, '/home/a/pass');
  });

  it("gives an Azure host in a verifying mode Azure's published roots, and refuses its password over unverified TLS", () => {
    const env = libpqEnv({ ...conn, host: 'srv.postgres.database.azure.com' }, inherited);
    assert.equal(readFileSync(env.PGSSLROOTCERT!, 'utf8'), AZURE_ROOT_CAS);
    assert.throws(() => libpqEnv({ ...conn, host: 'srv.postgres.database.azure.com', sslMode: 'require' }, inherited), /only over verified TLS/);
  });

  it('the pgflex.sslRootCert setting fills in for a server that names no CA, but never replaces Azure\'s roots for an Azure host', () => {
    assert.equal(defaultRootCertFor('db.example', undefined, '/etc/corp-ca.pem'), '/etc/corp-ca.pem');
    assert.equal(defaultRootCertFor('db.example', '/own.pem', '/etc/corp-ca.pem'), '/own.pem');
    assert.equal(defaultRootCertFor('f.postgres.database.azure.com', undefined, '/etc/corp-ca.pem'), undefined);
    assert.equal(connInfo({ host: 'db.example', port: 5432, user: 'u', database: 'd', sslMode: 'verify-full' }, 'pw', 'source', '/etc/corp-ca.pem').sslRootCert, '/etc/corp-ca.pem');
    assert.equal(connInfo({ host: 'f.postgres.database.azure.com', port: 5432, user: 'u', database: 'd' }, 'pw').sslMode, 'verify-full');
  });

  it("ships exactly Azure's three published root CAs, valid and self-signed", () => {
    const pems = AZURE_ROOT_CAS.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const subjects = pems.map((p) => new X509Certificate(p)).map((x) => {
      assert.equal(x.issuer, x.subject, 'a root');
      assert.ok(new Date(x.validTo).getTime() > Date.now(), `${x.subject} still valid`);
      return /CN=(.*)/.exec(x.subject)?.[1];
    });
    assert.deepEqual(subjects, ['DigiCert Global Root G2', 'Microsoft RSA Root Certificate Authority 2017', 'DigiCert Global Root CA']);
  });
});

describe('Entra tokens', () => {
  it('PGFLEX_ARM_TOKEN is handed out for the ARM scope only, never for the database (ossrdbms) scope', () => {
    const cloud = azureCloud(undefined);
    assert.equal(fixedTokenFor(armScope(cloud), cloud, 'arm-token'), 'arm-token');
    assert.equal(fixedTokenFor(cloud.ossrdbmsScope, cloud, 'arm-token'), undefined);
  });

  it('are offered to an Azure server only when its TLS verifies it (verify-full is the default for Azure hosts)', () => {
    const server = { kind: 'azure-flexible', host: 'f.postgres.database.azure.com' };
    assert.equal(entraTokenAllowed(server), true);
    assert.equal(entraTokenAllowed({ ...server, sslMode: 'verify-full' }), true);
    assert.equal(entraTokenAllowed({ ...server, sslMode: 'require' }), false);
    assert.equal(entraTokenAllowed({ ...server, sslMode: 'prefer' }), false);
    assert.equal(entraTokenAllowed({ kind: 'direct', host: 'h', sslMode: 'verify-full' }), false);
  });
});

describe('pg_dump and psql: CVE-2025-8714', () => {
  it('accepts the fixed releases and newer majors, refuses older minors and majors before 13, with the fix to install', () => {
    for (const v of ['17.6', '16.10', '15.14', '15.18', '14.19', '13.22', '18.1', '18beta1']) assert.equal(clientToolProblem('pg_dump', v), undefined, v);
    for (const v of ['17.5', '16.9', '15.13', '14.18', '13.21', '16beta2']) assert.match(clientToolProblem('psql', v) ?? '', /predates .* CVE-2025-8714/, v);
    for (const v of ['12.22', '9.6.24', '11.0']) assert.match(clientToolProblem('pg_dump', v) ?? '', /out of support/, v);
    assert.match(clientToolProblem('pg_dump', 'weird') ?? '', /cannot read/);
    assert.match(clientToolFix('16.4'), /client tools 16\.10 or newer .*postgresql-client-16/);
    assert.match(clientToolFix('12.1'), /17\.6 or newer/);
  });

  it('PgDumpVersionValidation fails an unfixed pg_dump or psql and names the fix', () => {
    const dump = serverItem(runRules(cleanFacts({ pgDump: { ok: true, value: { path: '/usr/bin/pg_dump', version: '16.4', major: 16 } } })), 'PgDumpVersionValidation');
    assert.equal(dump.state, 'Failed');
    assert.match(dump.messages![0].message, /pg_dump 16\.4 predates 16\.10.*\(\/usr\/bin\/pg_dump\)/);
    assert.match(dump.correctiveAction!, /16\.10 or newer/);
    const psql = serverItem(runRules(cleanFacts({ psql: { ok: true, value: { path: '/opt/psql', version: '12.3', major: 12 } } })), 'PgDumpVersionValidation');
    assert.equal(psql.state, 'Failed');
    assert.match(psql.messages![0].message, /psql 12\.3 is older than PostgreSQL 13/);
    const fine = serverItem(runRules(cleanFacts({ psql: { ok: true, value: { path: 'psql', version: '16.10', major: 16 } } })), 'PgDumpVersionValidation');
    assert.equal(fine.state, 'Succeeded');
  });

  it("honours the dump's \\restrict key: refuses a dump without it, or whose key also appears in the content", () => {
    const key = 'Ab12Cd34';
    const good = `--\n\\restrict ${key}\n\nSET x = 1;\nCOMMENT ON TABLE t IS 'fine';\n\\unrestrict ${key}\n`;
    assert.doesNotThrow(() => checkRestrictKey(good, 'of db'));
    assert.throws(() => checkRestrictKey('SET x = 1;\n', 'of db'), /has no \\restrict line/);
    const smuggled = good.replace("'fine'", `'\n\\unrestrict ${key}\n\\! touch /tmp/pwned\n'`);
    assert.throws(() => checkRestrictKey(smuggled, 'of db'), /carries its \\restrict key outside/);
    assert.throws(() => checkRestrictKey(good.replace("'fine'", `'${key}'`), 'of db'), /outside the \\restrict and \\unrestrict lines/);
  });
});

describe("the subscription's TLS (target → source)", () => {
  it('keeps a verifying mode on a PostgreSQL 16+ target with the target\'s system CAs', () => {
    const p = planReplicationTls({ sslMode: 'verify-full', targetMajor: 16, allowWeaker: false });
    assert.deepEqual(p.ok && p.params, ['sslmode=verify-full', 'sslrootcert=system']);
    const ca = planReplicationTls({ sslMode: 'verify-ca', privateCa: '/home/a/ca.pem', targetMajor: 17, allowWeaker: false });
    assert.ok(ca.ok && ca.params.includes('sslmode=verify-full') && /ca\.pem named here is not on the target/.test(ca.note ?? ''));
  });

  it('refuses verification the target cannot do (before 16) unless the weaker mode is accepted, and then says so', () => {
    const refused = planReplicationTls({ sslMode: 'verify-full', targetMajor: 15, allowWeaker: false });
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? `${refused.reason} ${refused.fix}` : '', /PostgreSQL 15.*--allow-weaker-replication-tls/);
    const weaker = planReplicationTls({ sslMode: 'verify-full', targetMajor: 15, allowWeaker: true });
    assert.deepEqual(weaker.ok && weaker.params, ['sslmode=require']);
    assert.match(weaker.ok ? weaker.weaker ?? '' : '', /does not verify the source's certificate/);
    assert.deepEqual(planReplicationTls({ sslMode: 'require', targetMajor: 11, allowWeaker: false }), { ok: true, params: ['sslmode=require'] });
  });

  it('ReplicationTlsValidation fails, warns or passes accordingly (online, direct engine only)', () => {
    const online = (major: number, allow?: boolean) => {
      const f = cleanFacts({ mode: 'Online', allowWeakerReplicationTls: allow, sourceEndpoint: { host: 's', port: 5432, user: 'u', sslMode: 'verify-full' } });
      if (f.target.ok) f.target.value.versionNum = major * 10000 + 4;
      return serverItem(runRules(f), 'ReplicationTlsValidation');
    };
    assert.equal(online(15).state, 'Failed');
    assert.equal(online(15, true).state, 'Warning');
    assert.equal(online(16).state, 'Succeeded');
    assert.ok(!runRules(cleanFacts({ mode: 'Offline' })).serverLevelValidationDetails!.some((i) => i.type === 'ReplicationTlsValidation'));
  });
});
