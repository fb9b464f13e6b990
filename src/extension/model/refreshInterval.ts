/** `pgflex.refreshInterval` values and what they mean in milliseconds (0 = off). */
export const REFRESH_INTERVALS = ['off', '30s', '1m', '3m', '5m'] as const;
export type RefreshInterval = (typeof REFRESH_INTERVALS)[number];

export function refreshIntervalMs(v: string | undefined): number {
  switch (v) {
    case 'off':
      return 0;
    case '30s':
      return 30_000;
    case '3m':
      return 180_000;
    case '5m':
      return 300_000;
    default:
      return 60_000;
  }
}
