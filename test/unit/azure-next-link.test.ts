import assert from 'node:assert/strict';
import { sameHostLink } from '../../src/azure/nextLink';
import { listTenants, type FetchLike } from '../../src/extension/azure/armDirectory';

describe('azure paging: nextLink only on the endpoint host (issue 16)', () => {
  it('follows a next page on the same host and refuses any other host or scheme', () => {
    const ep = 'https://management.azure.com';
    assert.equal(sameHostLink(ep, 'https://management.azure.com/tenants?$skiptoken=2'), 'https://management.azure.com/tenants?$skiptoken=2');
    assert.equal(sameHostLink(ep, 'https://MANAGEMENT.azure.com/x'), 'https://management.azure.com/x');
    for (const bad of ['https://evil.example/tenants', 'http://management.azure.com/tenants', 'https://management.azure.com.evil.example/x', 'https://management.azure.com:8443/x', 'https://user@evil.example/x']) {
      assert.throws(() => sameHostLink(ep, bad), /another host|not read further/, bad);
    }
  });

  it('listTenants stops with a clear error before sending the token to another host', async () => {
    const calls: string[] = [];
    const f: FetchLike = async (url) => {
      calls.push(url);
      const body = url.includes('evil') ? { value: [{ tenantId: 'stolen' }] } : { value: [{ tenantId: 't1' }], nextLink: 'https://evil.example/tenants?page=2' };
      return { ok: true, status: 200, json: async () => body };
    };
    await assert.rejects(listTenants('token', f), /another host \(https:\/\/evil\.example/);
    assert.deepEqual(calls, ['https://management.azure.com/tenants?api-version=2022-12-01']);
  });
});
