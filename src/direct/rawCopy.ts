/**
 * A COPY relay that hands the source's CopyData messages to the target as they came off the
 * wire. Both ends of the protocol frame COPY data the same way (`d`, a length, the bytes), so
 * the source's messages are forwarded in whole runs, header included: no message is sliced,
 * copied or re-framed in Node. Only the headers are read, to find where the data ends.
 *
 * `CopyOut` and `CopyIn` are `pg` submittables (`client.query(x)`), like pg-copy-streams, which
 * they replace here because that library splits and re-frames every row, costing the Node
 * process about a core-second per 5 million rows.
 */
import { Readable, Writable, type Duplex } from 'node:stream';
import type { Connection } from 'pg';

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR = 0x45; // 'E'
const COPY_DONE_MESSAGE = Buffer.from([COPY_DONE, 0, 0, 0, 4]);

/** The slice of pg's Connection both classes use (its query method is not in its types). */
interface PgConnection {
  stream: Duplex;
  query(text: string): void;
}

const conn = (c: Connection) => c as unknown as PgConnection;

function rowsOf(msg: { text?: string } | undefined): number | undefined {
  const m = /^COPY (\d+)/.exec(msg?.text ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * `COPY … TO STDOUT` as a stream of raw CopyData messages (headers included). `done` settles
 * when the server has ended the command; `rowCount` is then the rows it sent.
 */
export class CopyOut extends Readable {
  rowCount = 0;
  readonly done: Promise<void>;
  private settle!: (e?: Error) => void;
  private connection: PgConnection | undefined;
  private pgHandler: ((b: Buffer) => void) | undefined;
  /** Bytes left of the message whose body continues in the next chunk, and its type. */
  private left = 0;
  private leftType = 0;
  /** The start of a message whose header (5 bytes) was cut by the end of a chunk. */
  private carry: Buffer | undefined;
  private wantMore = false;
  private reading = false;
  private detached = false;
  private copyDone = false;
  private readonly onReadable = () => this.pump();

  constructor(private readonly text: string) {
    super({ highWaterMark: 256 * 1024 });
    this.done = new Promise((resolve, reject) => {
      this.settle = (e) => (e ? reject(e) : resolve());
    });
    this.done.catch(() => undefined);
  }

  /** Called by pg when the query is sent: from here the socket's bytes are read by this class. */
  submit(connection: Connection): void {
    this.connection = conn(connection);
    const stream = this.connection.stream;
    const handlers = stream.listeners('data') as ((b: Buffer) => void)[];
    this.pgHandler = handlers[handlers.length - 1];
    if (this.pgHandler) stream.removeListener('data', this.pgHandler);
    stream.pause();
    stream.on('readable', this.onReadable);
    this.connection.query(this.text);
  }

  /** pg's query_timeout hook (kept so pg can install its own). */
  callback(): void {}

  override _read(): void {
    this.wantMore = true;
    this.pump();
  }

  private pump(): void {
    if (this.reading || this.detached || !this.connection) return;
    this.reading = true;
    try {
      let chunk: Buffer | null;
      while (this.wantMore && !this.detached && (chunk = this.connection.stream.read() as Buffer | null) !== null) {
        this.parse(chunk);
      }
    } finally {
      this.reading = false;
    }
  }

  private forward(run: Buffer): void {
    if (run.length) this.wantMore = this.push(run);
  }

  private parse(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let pos = 0;
    let runStart = -1;
    if (this.left > 0) {
      const n = Math.min(this.left, buf.length);
      if (this.leftType === COPY_DATA) runStart = 0;
      this.left -= n;
      pos = n;
    }
    while (pos < buf.length) {
      if (buf.length - pos < 5) {
        this.carry = Buffer.from(buf.subarray(pos));
        break;
      }
      const type = buf[pos];
      const end = pos + 1 + buf.readUInt32BE(pos + 1);
      if (type === COPY_DATA) {
        if (runStart < 0) runStart = pos;
      } else {
        if (runStart >= 0) this.forward(buf.subarray(runStart, pos));
        runStart = -1;
        if (type === ERROR) {
          // pg reads the error and hands it to handleError.
          this.detach(buf.subarray(pos));
          return;
        }
        if (type === COPY_DONE) {
          this.copyDone = true;
          this.detach(buf.subarray(end));
          this.push(null);
          return;
        }
        // CopyOutResponse, and notices or parameter changes between rows: not data.
      }
      if (end > buf.length) {
        this.left = end - buf.length;
        this.leftType = type;
        pos = buf.length;
        break;
      }
      pos = end;
    }
    if (runStart >= 0) this.forward(buf.subarray(runStart, pos));
  }

  /** Give the socket back to pg, with the bytes after the copy (CommandComplete, ReadyForQuery). */
  private detach(rest: Buffer): void {
    if (this.detached || !this.connection) return;
    this.detached = true;
    const stream = this.connection.stream;
    stream.removeListener('readable', this.onReadable);
    if (this.pgHandler) {
      stream.on('data', this.pgHandler);
      if (rest.length) this.pgHandler(rest);
    }
    process.nextTick(() => stream.resume());
  }

  handleCommandComplete(msg: { text?: string }): void {
    this.rowCount = rowsOf(msg) ?? this.rowCount;
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  handleError(e: Error): void {
    this.settle(e);
    this.destroy(e);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    // Stopped early (the target failed, or a cancel): the caller drops this session.
    if (!this.detached && this.connection) {
      this.connection.stream.removeListener('readable', this.onReadable);
      this.detached = true;
    }
    // After CopyDone (the stream ended as it should) `done` waits for ReadyForQuery.
    if (err || !this.copyDone) this.settle(err ?? new Error('The copy from the source was stopped.'));
    cb(err);
  }
}

/**
 * `COPY … FROM STDIN` fed with whole CopyData messages (as CopyOut emits them). On an error the
 * caller drops the session (a message may have been cut): the server then rolls the copy back.
 */
export class CopyIn extends Writable {
  rowCount = 0;
  private connection: PgConnection | undefined;
  private ready = false;
  private waiting: (() => void) | undefined;
  private ended: ((e?: Error | null) => void) | undefined;
  private failed: Error | undefined;

  constructor(private readonly text: string) {
    super({ highWaterMark: 256 * 1024 });
  }

  submit(connection: Connection): void {
    this.connection = conn(connection);
    this.connection.query(this.text);
  }

  callback(): void {}

  handleCopyInResponse(): void {
    this.ready = true;
    const go = this.waiting;
    this.waiting = undefined;
    go?.();
  }

  private whenReady(fn: () => void): void {
    if (this.ready) fn();
    else this.waiting = fn;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.whenReady(() => {
      if (this.failed) return cb(this.failed);
      if (this.connection!.stream.write(chunk)) cb();
      else this.connection!.stream.once('drain', () => cb());
    });
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    this.whenReady(() => {
      if (this.failed) return cb(this.failed);
      const stream = this.connection!.stream;
      stream.cork();
      let ok = true;
      for (const c of chunks) ok = stream.write(c.chunk);
      stream.uncork();
      if (ok) cb();
      else stream.once('drain', () => cb());
    });
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.whenReady(() => {
      if (this.failed) return cb(this.failed);
      this.ended = cb;
      this.connection!.stream.write(COPY_DONE_MESSAGE);
    });
  }

  handleCommandComplete(msg: { text?: string }): void {
    this.rowCount = rowsOf(msg) ?? this.rowCount;
  }

  handleReadyForQuery(): void {
    const cb = this.ended;
    this.ended = undefined;
    cb?.();
  }

  handleError(e: Error): void {
    this.failed = e;
    const cb = this.ended;
    this.ended = undefined;
    if (cb) cb(e);
    else this.destroy(e);
  }
}
