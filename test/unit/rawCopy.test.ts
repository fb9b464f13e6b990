import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Connection } from 'pg';
import { CopyOut } from '../../src/direct/rawCopy';

// The protocol bytes a server sends for COPY … TO STDOUT, cut into chunks at every kind of
// place, go through CopyOut: what it emits must be exactly the CopyData messages, and pg must
// get exactly the bytes after them. (Real servers drive it in the integration suite.)

function msg(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const rows = [Buffer.from('1\talpha\n'), Buffer.alloc(100_000, 7), Buffer.from('2\t\u00e9t\u00e9\n'), Buffer.alloc(0), Buffer.from('3\tz\n')];
const data = rows.map((r) => msg('d', r));
const notice = msg('N', Buffer.from('SNOTICE\0Mhello\0\0'));
const copyOutResponse = msg('H', Buffer.from([0, 0, 1, 0, 0]));
const tail = Buffer.concat([msg('C', Buffer.from('COPY 5\0')), msg('Z', Buffer.from('I'))]);

function fakeConnection() {
  const stream = new PassThrough();
  const toPg: Buffer[] = [];
  stream.on('data', (b: Buffer) => toPg.push(b)); // pg's own parser
  const queries: string[] = [];
  const connection = { stream, query: (t: string) => queries.push(t) };
  return { connection: connection as unknown as Connection, stream, toPg, queries };
}

async function feed(stream: PassThrough, bytes: Buffer, sizes: number[]): Promise<void> {
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const n = sizes[i++ % sizes.length];
    stream.write(bytes.subarray(pos, pos + n));
    pos += n;
    await new Promise((r) => setImmediate(r));
  }
}

async function collect(out: CopyOut): Promise<Buffer> {
  const got: Buffer[] = [];
  out.on('data', (b: Buffer) => got.push(b));
  await new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  return Buffer.concat(got);
}

describe('raw COPY relay (CopyOut)', () => {
  for (const sizes of [[1], [2, 3], [5], [7, 11, 4096], [65536], [4, 1, 100_003]]) {
    it(`forwards the CopyData messages whole and hands the rest to pg (chunks of ${sizes.join('/')} bytes)`, async () => {
      const { connection, stream, toPg, queries } = fakeConnection();
      const out = new CopyOut('COPY t TO STDOUT');
      out.submit(connection);
      assert.deepEqual(queries, ['COPY t TO STDOUT']);
      const result = collect(out);
      const wire = Buffer.concat([copyOutResponse, data[0], data[1], notice, data[2], data[3], data[4], msg('c', Buffer.alloc(0)), tail]);
      await feed(stream, wire, sizes);
      assert.deepEqual(await result, Buffer.concat(data), 'exactly the CopyData messages, headers included');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(Buffer.concat(toPg), tail, 'pg reads CommandComplete and ReadyForQuery');
      out.handleCommandComplete({ text: 'COPY 5' });
      out.handleReadyForQuery();
      await out.done;
      assert.equal(out.rowCount, 5);
    });
  }

  it('stops at an error from the server: the rows before it are forwarded, pg reads the error', async () => {
    const { connection, stream, toPg } = fakeConnection();
    const out = new CopyOut('COPY t TO STDOUT');
    out.submit(connection);
    const got: Buffer[] = [];
    out.on('data', (b: Buffer) => got.push(b));
    const error = msg('E', Buffer.from('SERROR\0C57014\0Mcanceling statement\0\0'));
    await feed(stream, Buffer.concat([copyOutResponse, data[0], data[2], error, msg('Z', Buffer.from('I'))]), [3, 8]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(Buffer.concat(got), Buffer.concat([data[0], data[2]]));
    assert.equal(Buffer.concat(toPg)[0], 'E'.charCodeAt(0), 'pg gets the error from its first byte');
    const failed = new Promise((resolve) => out.once('error', resolve));
    out.handleError(new Error('canceling statement'));
    assert.match(String(await failed), /canceling statement/);
    await assert.rejects(out.done, /canceling statement/);
  });
});
