// Root hook for the webview suite: one Chromium for all tests, closed at the end.
import { closeBrowser } from './browser';

after(async () => {
  await closeBrowser();
});
