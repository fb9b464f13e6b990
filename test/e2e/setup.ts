/**
 * Root hooks of the e2e suite: package the extension, install code-server if missing, start a
 * busy source and an empty target, code-server on loopback and Chromium. Torn down after.
 */
import { session, startSession } from './session';

before(async function () {
  this.timeout(600_000);
  await startSession();
});

after(async function () {
  this.timeout(60_000);
  await session?.stop();
});
