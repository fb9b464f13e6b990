import assert from 'node:assert/strict';
import { current, step } from './session';
import { addConnection, SOURCE_LABEL, TARGET_LABEL, VIEW } from './flows';

describe('e2e: extension and connections', () => {
  it('activates and shows the PostgreSQL Migration view with its Direct section', async () => {
    const { wb } = current();
    await step('open the PostgreSQL Migration view', async () => {
      await wb.openView(VIEW);
      await wb.waitForTreeItem(/^Direct/);
      await wb.waitForTreeItem(/^Add connection/);
    });
  });

  it('adds the source and the target through the input boxes (passwords typed)', async () => {
    const { wb, servers } = current();
    await step('add the source connection', async () => {
      await addConnection('Source', SOURCE_LABEL, servers.source.port, servers.source.password);
      await wb.waitForTreeItem(new RegExp(`^${SOURCE_LABEL}\\s*source · 127\\.0\\.0\\.1:${servers.source.port}`));
    });
    await step('add the target connection', async () => {
      await addConnection('Target', TARGET_LABEL, servers.target.port, servers.target.password);
      await wb.waitForTreeItem(new RegExp(`^${TARGET_LABEL}\\s*target · 127\\.0\\.0\\.1:${servers.target.port}`));
    });
    const log = current().codeServer.logs(/pgflex|PostgreSQL Migration/);
    assert.ok(!log.includes(servers.source.password) && !log.includes(servers.target.password), 'a password reached the extension log');
  });
});
