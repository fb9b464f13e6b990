import assert from 'node:assert/strict';
import { binaryUnsafe, partsFor, type TablePlan } from '../../src/direct/tables';

type T = Parameters<typeof binaryUnsafe>[1] extends Map<number, infer R> ? R : never;
const types = new Map<number, T>([
  [23, { oid: 23, typtype: 'b', typelem: 0, typbasetype: 0, typcategory: 'N', hassend: true, name: 'integer' }],
  [1007, { oid: 1007, typtype: 'b', typelem: 23, typbasetype: 0, typcategory: 'A', hassend: true, name: 'integer[]' }],
  [3904, { oid: 3904, typtype: 'r', typelem: 0, typbasetype: 0, typcategory: 'R', hassend: true, name: 'int4range' }],
  [16400, { oid: 16400, typtype: 'e', typelem: 0, typbasetype: 0, typcategory: 'E', hassend: true, name: 'mood' }],
  [16401, { oid: 16401, typtype: 'b', typelem: 16400, typbasetype: 0, typcategory: 'A', hassend: true, name: 'mood[]' }],
  [16402, { oid: 16402, typtype: 'd', typelem: 0, typbasetype: 23, typcategory: 'N', hassend: true, name: 'positive_int' }],
  [16403, { oid: 16403, typtype: 'c', typelem: 0, typbasetype: 0, typcategory: 'C', hassend: true, name: 'address' }],
  [16404, { oid: 16404, typtype: 'b', typelem: 0, typbasetype: 0, typcategory: 'U', hassend: true, name: 'hstore' }],
  [16405, { oid: 16405, typtype: 'b', typelem: 0, typbasetype: 0, typcategory: 'U', hassend: false, name: 'nosend' }],
]);

describe('binary or text COPY, per column type', () => {
  it('allows built-in types, their arrays and ranges, enums and domains over built-ins', () => {
    for (const oid of [23, 1007, 3904, 16400, 16402]) assert.equal(binaryUnsafe(oid, types), undefined, String(oid));
  });
  it('refuses arrays of user types, composites, extension types and types without binary I/O', () => {
    assert.match(binaryUnsafe(16401, types)!, /array of a user-defined type/);
    assert.match(binaryUnsafe(16403, types)!, /composite/);
    assert.match(binaryUnsafe(16404, types)!, /extension or user-defined/);
    assert.match(binaryUnsafe(16405, types)!, /no binary I\/O/);
  });
});

describe('splitting tables by spare capacity', () => {
  const t = (bytes: number): TablePlan => ({ oid: 1, schema: 's', table: 't', name: 's.t', bytes, columns: ['a'], format: 'binary' });
  const o = { jobs: 2, minSplitBytes: 100, maxParts: 8 };
  it('never splits small tables', () => assert.equal(partsFor(t(50), 50, o), 1));
  it('does not split two big tables on two workers', () => assert.equal(partsFor(t(900), 1600, o), 1));
  it('splits a table that is all the data across the workers', () => assert.equal(partsFor(t(1000), 1000, { ...o, jobs: 4 }), 4));
  it('caps the parts', () => assert.equal(partsFor(t(1000), 1000, { ...o, jobs: 32 }), 8));
});
