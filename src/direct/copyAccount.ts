/**
 * How many of a table's bytes (its size on the source) count as copied while its COPY streams.
 * The stream's size differs from the relation's (text or binary rows, no page overhead, TOAST
 * inline), so a part in flight counts the bytes streamed up to its share of the table, and the
 * table counts exactly its size once done: the total then matches the sizes read at the start.
 */
export class TableCopyAccount {
  private readonly streamed: number[];
  private counted = 0;

  constructor(
    readonly bytes: number,
    readonly parts: number,
  ) {
    this.streamed = new Array<number>(Math.max(1, parts)).fill(0);
  }

  /** `n` more bytes streamed by part `part`; returns the bytes to add to the copied total. */
  stream(part: number, n: number): number {
    const share = this.bytes / this.streamed.length;
    const before = Math.min(share, this.streamed[part]);
    this.streamed[part] += n;
    return this.add(Math.min(share, this.streamed[part]) - before);
  }

  /** The table is in: returns the bytes still to add so it counts its whole size. */
  done(): number {
    return this.add(this.bytes - this.counted);
  }

  /** The table failed: returns the (negative) bytes to take back, as its rows were rolled back. */
  failed(): number {
    return this.add(-this.counted);
  }

  private add(n: number): number {
    const whole = Math.round(this.counted + n) - Math.round(this.counted);
    this.counted += n;
    return whole;
  }
}
