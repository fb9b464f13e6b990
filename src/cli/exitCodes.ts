/** Exit codes of `pgflex`, documented in the README. */
export const EXIT = {
  succeeded: 0,
  failed: 1,
  usage: 2,
  canceled: 3,
  waitingForCutover: 4,
} as const;

export function exitCodeForState(state: string | undefined): number {
  switch (state) {
    case 'Succeeded':
      return EXIT.succeeded;
    case 'Canceled':
      return EXIT.canceled;
    case 'WaitingForUserAction':
      return EXIT.waitingForCutover;
    default:
      return EXIT.failed;
  }
}
