// Root hooks for the integration suite: every server started by the harness is stopped at the end.
import { stopAll } from '../harness/postgres';
import { closeSharedServers } from '../harness/servers';

after(async function () {
  this.timeout(60_000);
  await closeSharedServers();
  await stopAll();
});
