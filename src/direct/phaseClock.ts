/** Seconds spent in each phase of one database (its model's phaseSeconds), as it runs. */
export class PhaseClock {
  constructor(private readonly seconds: Record<string, number>) {}

  /** Time `fn`, added to the phase whether it succeeds or not. */
  async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await fn();
    } finally {
      this.seconds[phase] = Math.round((this.seconds[phase] ?? 0) * 1000 + (Date.now() - start)) / 1000;
    }
  }

  /** Start a phase now; the returned function records it (only if called: a failed phase stays unrecorded). */
  start(phase: string): () => void {
    const start = Date.now();
    return () => {
      this.seconds[phase] = (Date.now() - start) / 1000;
    };
  }
}
