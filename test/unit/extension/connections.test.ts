import assert from 'node:assert/strict';
import {
  checkHost, checkPort, connectionString, missingConnections, parseSandboxConnections, pgsqlConnectLink, toServerRef,
} from '../../../src/extension/model/connections';
import { connectionId } from '../../../src/core/ids';
import { refreshIntervalMs } from '../../../src/extension/model/refreshInterval';
import { armScope, azureCloud } from '../../../src/extension/model/azureCloud';
import { conn } from './fakes';

describe('extension connections', () => {
  it('validates host and port as typed', () => {
    assert.equal(checkHost('db.example.com'), undefined);
    assert.match(checkHost('') ?? '', /Enter the server host/);
    assert.match(checkHost('db:5432/x') ?? '', /not a host name/);
    assert.equal(checkPort('5432'), undefined);
    assert.match(checkPort('70000') ?? '', /between 1 and 65535/);
    assert.match(checkPort('54a') ?? '', /between 1 and 65535/);
  });

  it('builds a connection string and a PostgreSQL-extension link without the password', () => {
    const c = { ...conn('T', 'target'), user: 'ad@min' };
    assert.equal(connectionString(c), 'postgres://ad%40min@localhost:5432/postgres?sslmode=prefer');
    const link = pgsqlConnectLink({ ...c, database: 'orders' });
    assert.match(link, /^vscode:\/\/ms-ossdata\.vscode-pgsql\/connect\?/);
    assert.match(link, /server=localhost/);
    assert.match(link, /database=orders/);
    assert.doesNotMatch(link, /password/i);
    assert.equal(toServerRef(c).id, 'direct:localhost:5432@ad@min');
  });

  it('reads sandbox connections from PGFLEX_SANDBOX_CONNECTIONS, reporting bad entries', () => {
    const json = JSON.stringify([
      { label: 'Sandbox source', role: 'source', host: '127.0.0.1', port: 40001, user: 'postgres', database: 'shop', sslMode: 'disable', password: 's3cret' },
      { role: 'target', host: '127.0.0.1', port: 40002, user: 'postgres' },
      { role: 'elsewhere', host: 'x', user: 'y' },
    ]);
    const { connections, problems } = parseSandboxConnections(json);
    assert.equal(connections.length, 2);
    assert.equal(connections[0].password, 's3cret');
    assert.equal(connections[1].database, 'postgres');
    assert.equal(connections[1].sslMode, 'prefer');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /entry 3 .* role/);
    assert.deepEqual(parseSandboxConnections('{').connections, []);
    assert.match(parseSandboxConnections('{').problems[0], /not valid JSON/);
    assert.deepEqual(parseSandboxConnections(undefined), { connections: [], problems: [] });
  });

  it('adds only the sandbox connections that are not saved yet', () => {
    const saved = [{ ...conn('S', 'source', 40001), id: connectionId({ role: 'source', host: '127.0.0.1', port: 40001, user: 'postgres', database: 'shop' }) }];
    const { connections } = parseSandboxConnections(JSON.stringify([
      { role: 'source', host: '127.0.0.1', port: 40001, user: 'postgres', database: 'shop', password: 'x' },
      { role: 'target', host: '127.0.0.1', port: 40002, user: 'postgres', password: 'y' },
    ]));
    const add = missingConnections(saved, connections);
    assert.deepEqual(add.map((c) => c.port), [40002]);
  });

  it('maps the refresh interval setting', () => {
    assert.equal(refreshIntervalMs('off'), 0);
    assert.equal(refreshIntervalMs('30s'), 30_000);
    assert.equal(refreshIntervalMs('5m'), 300_000);
    assert.equal(refreshIntervalMs('nonsense'), 60_000);
  });
});

describe('extension Azure cloud choice', () => {
  it('uses public Azure by default and a sovereign cloud from VS Code\'s setting', () => {
    assert.equal(armScope(azureCloud(undefined)), 'https://management.azure.com/.default');
    const cn = azureCloud('ChinaCloud');
    assert.equal(cn.authProvider, 'microsoft-sovereign-cloud');
    assert.equal(cn.armEndpoint, 'https://management.chinacloudapi.cn');
    assert.equal(azureCloud(undefined, 'https://127.0.0.1:8443/').armEndpoint, 'https://127.0.0.1:8443');
  });
});
