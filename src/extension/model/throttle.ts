/**
 * Coalesce a burst of values into at most one call per `ms` (the first at once, the latest
 * at the end of the window). `urgent` values skip the wait: a migration that has ended must
 * show at once, not half a second later.
 */
export interface Throttled<T> {
  push(value: T): void;
  dispose(): void;
}

export function throttle<T>(fn: (value: T) => void, ms: number, urgent: (value: T) => boolean = () => false): Throttled<T> {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: { value: T } | undefined;
  let disposed = false;
  const fire = (value: T) => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending = undefined;
    last = Date.now();
    fn(value);
  };
  return {
    push(value) {
      if (disposed) return;
      const wait = ms - (Date.now() - last);
      if (wait <= 0 || urgent(value)) {
        fire(value);
        return;
      }
      pending = { value };
      timer ??= setTimeout(() => {
        timer = undefined;
        if (pending && !disposed) fire(pending.value);
      }, wait);
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}

