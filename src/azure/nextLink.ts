/**
 * ARM pages a list with `nextLink`, a full URL the response names. Following it sends the
 * bearer token there, so a page that points at another host (a compromised or misrouted
 * response) must not be followed: the token is for the endpoint alone.
 */
export function sameHostLink(endpoint: string, link: string): string {
  let want: URL;
  let got: URL;
  try {
    want = new URL(endpoint);
    got = new URL(link, want);
  } catch {
    throw new Error(`Azure Resource Manager answered with a next page link that is not a URL (${link.slice(0, 200)}); the list was not read further.`);
  }
  if (got.protocol !== 'https:' || got.host.toLowerCase() !== want.host.toLowerCase()) {
    throw new Error(`Azure Resource Manager answered with a next page on another host (${got.protocol}//${got.host}, not ${want.host}); pgflex sends its token only to ${want.host}, so the list was not read further.`);
  }
  return got.toString();
}
