/** Which client addresses may become an Azure firewall rule (no SDK here: the extension loads it eagerly). */
import { isIPv4 } from 'node:net';

/** IPv4 ranges that never name one machine on the internet: [first octets, prefix length, what]. */
const NOT_PUBLIC: [number[], number, string][] = [
  [[0], 8, 'the "this network" range 0.0.0.0/8'],
  [[10], 8, 'the private range 10.0.0.0/8'],
  [[100, 64], 10, 'the carrier-grade NAT range 100.64.0.0/10'],
  [[127], 8, 'the loopback range 127.0.0.0/8'],
  [[169, 254], 16, 'the link-local range 169.254.0.0/16'],
  [[172, 16], 12, 'the private range 172.16.0.0/12'],
  [[192, 0, 0], 24, 'the protocol range 192.0.0.0/24'],
  [[192, 168], 16, 'the private range 192.168.0.0/16'],
  [[198, 18], 15, 'the benchmarking range 198.18.0.0/15'],
  [[224], 4, 'the multicast range 224.0.0.0/4'],
  [[240], 4, 'the reserved range 240.0.0.0/4'],
];

/**
 * Why `address` must not become a firewall rule, or undefined when it is one public IPv4
 * address. A rule opens the server to that address; a private, loopback or CGNAT address (or
 * 0.0.0.0, which Azure reads as "all Azure services") would open it to something else than
 * this machine, so only a single public IPv4 address passes.
 */
export function firewallAddressProblem(address: string): string | undefined {
  if (!isIPv4(address)) return `"${address}" is not a single IPv4 address; a firewall rule is added only for this machine's public IPv4 address.`;
  const n = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  for (const [octets, bits, what] of NOT_PUBLIC) {
    const base = [...octets, 0, 0, 0, 0].slice(0, 4).reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - bits);
    if (n >= base && n < base + size) return `${address} is in ${what}, not a public address; no firewall rule is added for it. Add the rule for this machine's public address in the Azure portal.`;
  }
  return undefined;
}
