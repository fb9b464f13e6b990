/** src/extension/lifecycle.ts: everything is disposed even when one dispose throws, and the failures are reported. */
import assert from 'node:assert/strict';
import { Disposable, DisposableStore, disposeAll, toDisposable } from '../../../src/extension/lifecycle';

class Owner extends Disposable {
  add(d: { dispose(): void }) {
    return this._register(d);
  }
}

describe('extension lifecycle', () => {
  it('disposes the last registered first and goes on past a failing dispose, then throws its error', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('a')));
    store.add(toDisposable(() => { order.push('b'); throw new Error('b broke'); }));
    store.add(toDisposable(() => order.push('c')));
    assert.throws(() => store.dispose(), /b broke/);
    assert.deepEqual(order, ['c', 'b', 'a']);
    store.dispose();
    assert.deepEqual(order, ['c', 'b', 'a'], 'disposed once');
    store.add(toDisposable(() => order.push('late')));
    assert.deepEqual(order, ['c', 'b', 'a', 'late'], 'added after disposal: disposed at once');
  });

  it('reports every failure as one AggregateError', () => {
    const done: number[] = [];
    const boom = (n: number) => toDisposable(() => { done.push(n); throw new Error(`fail ${n}`); });
    assert.throws(() => disposeAll([boom(1), toDisposable(() => done.push(2)), boom(3)]), (e: unknown) => {
      assert.ok(e instanceof AggregateError);
      assert.deepEqual(e.errors.map((x: Error) => x.message), ['fail 1', 'fail 3']);
      return true;
    });
    assert.deepEqual(done, [1, 2, 3]);
  });

  it('an owner releases what it registered, once', () => {
    let n = 0;
    const o = new Owner();
    o.add(toDisposable(() => n++));
    o.add(toDisposable(() => n++));
    o.dispose();
    o.dispose();
    assert.equal(n, 2);
  });
});
