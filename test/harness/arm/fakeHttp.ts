/**
 * An in-process HttpClient for the real SDK client: records every request and answers from a
 * routing function. For contract tests without a server (the loopback HTTPS server covers the
 * network path).
 */
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

export interface RecordedRequest {
  method: string;
  url: URL;
  body: unknown;
}

export type Responder = (req: RecordedRequest) => { status: number; body?: unknown; headers?: Record<string, string> };

export class FakeArm implements HttpClient {
  readonly requests: RecordedRequest[] = [];

  constructor(private readonly respond: Responder) {}

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const body = typeof request.body === 'string' && request.body ? JSON.parse(request.body) : undefined;
    const rec: RecordedRequest = { method: request.method, url: new URL(request.url), body };
    this.requests.push(rec);
    const r = this.respond(rec);
    return {
      request,
      status: r.status,
      headers: createHttpHeaders({ 'content-type': 'application/json', ...(r.headers ?? {}) }),
      bodyAsText: r.body === undefined ? '' : JSON.stringify(r.body),
    };
  }
}

/** The example files' shape. */
export interface ArmExample {
  title?: string;
  parameters: Record<string, unknown> & { parameters?: unknown };
  responses: Record<string, { body?: unknown }>;
}

/** `{ ...envelope, ...properties }` without secrets: what the model should hold. */
export function flattenArm(body: unknown): Record<string, unknown> {
  const { properties, ...env } = (body ?? {}) as Record<string, unknown>;
  const out = { ...env, ...((properties as Record<string, unknown>) ?? {}) };
  delete out.secretParameters;
  return out;
}

/** Every leaf of `expected` as [path, value]; empty objects and arrays count as leaves. */
export function leaves(v: unknown, path = ''): [string, unknown][] {
  if (v && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (entries.length === 0) return [[path, v]];
    return entries.flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
  }
  return [[path, v]];
}

export function at(v: unknown, path: string): unknown {
  if (!path) return v;
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);
}
