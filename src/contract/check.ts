/**
 * Small runtime checkers for messages crossing the webview boundary. A checker returns a fresh
 * value holding only the fields it knows (unknown keys are dropped), or throws ProtocolError
 * naming the path of the first bad field.
 */

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export type Check<T> = (value: unknown, path?: string) => T;
export type Checked<C> = C extends Check<infer T> ? T : never;

const MAX_STRING = 1_000_000;

function fail(path: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw new ProtocolError(`${path || 'message'}: expected ${expected}, got ${got}`);
}

export const str: Check<string> = (v, p = '') => {
  if (typeof v !== 'string' || v.length > MAX_STRING) fail(p, 'a string', v);
  return v;
};

export const num: Check<number> = (v, p = '') => {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(p, 'a finite number', v);
  return v;
};

export const bool: Check<boolean> = (v, p = '') => {
  if (typeof v !== 'boolean') fail(p, 'true or false', v);
  return v;
};

export function lit<T extends string>(...values: T[]): Check<T> {
  return (v, p = '') => {
    if (typeof v !== 'string' || !(values as string[]).includes(v)) fail(p, `one of ${values.join(', ')}`, v);
    return v as T;
  };
}

/** Absent and null both read as undefined (JSON turns undefined into a missing key). */
export function opt<T>(c: Check<T>): Check<T | undefined> {
  return (v, p = '') => (v === undefined || v === null ? undefined : c(v, p));
}

export function nullable<T>(c: Check<T>): Check<T | null> {
  return (v, p = '') => (v === null || v === undefined ? null : c(v, p));
}

export function arr<T>(c: Check<T>, max = 10_000): Check<T[]> {
  return (v, p = '') => {
    if (!Array.isArray(v) || v.length > max) fail(p, `an array of at most ${max} items`, v);
    return v.map((x, i) => c(x, `${p}[${i}]`));
  };
}

export function rec<T>(c: Check<T>): Check<Record<string, T>> {
  return (v, p = '') => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(p, 'an object', v);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = c(x, `${p}.${k}`);
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type FromShape<S extends Shape> = {
  [K in keyof S as undefined extends Checked<S[K]> ? never : K]: Checked<S[K]>;
} & {
  [K in keyof S as undefined extends Checked<S[K]> ? K : never]?: Checked<S[K]>;
};

export function obj<S extends Shape>(shape: S): Check<FromShape<S>> {
  return (v, p = '') => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(p, 'an object', v);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(shape)) {
      const x = c(src[k], p ? `${p}.${k}` : k);
      if (x !== undefined) out[k] = x;
    }
    return out as FromShape<S>;
  };
}

export const nothing: Check<null> = () => null;
