/**
 * When the details page refreshes itself: every `base` seconds while the migration runs,
 * slower while nothing changes or the provider keeps failing, never once it has ended or
 * while the panel is hidden. Pure, so the rules are testable without timers.
 */
export class RefreshSchedule {
  private errors = 0;
  private unchanged = 0;

  constructor(private readonly baseSeconds: number, private readonly maxSeconds = 300) {}

  /** Seconds until the next refresh, or undefined when auto-refresh should stop. */
  next(outcome: { ok: boolean; changed: boolean; terminal: boolean; visible: boolean }): number | undefined {
    if (this.baseSeconds <= 0 || !outcome.visible) return undefined;
    if (outcome.ok && outcome.terminal) return undefined;
    if (!outcome.ok) {
      this.errors++;
    } else {
      this.errors = 0;
      this.unchanged = outcome.changed ? 0 : this.unchanged + 1;
    }
    const factor = this.errors > 0 ? 2 ** Math.min(this.errors, 6) : Math.min(1 + this.unchanged * 0.5, 4);
    return Math.min(Math.round(this.baseSeconds * factor), Math.max(this.maxSeconds, this.baseSeconds));
  }

  reset(): void {
    this.errors = 0;
    this.unchanged = 0;
  }
}
