// Root hooks for the integration suite: every server started by the harness is stopped at the end.
import { stopAll } from '../harness/postgres';
import { closeSharedServers } from '../harness/servers';

after(async function () {
  // Generous: on a loaded machine, stopping a dozen servers took over a minute.
  this.timeout(180_000);
  await closeSharedServers();
  await stopAll();
});
