/**
 * Both ends of the protocol, free of DOM and vscode so they run in the page, in the extension
 * host and in plain-Node tests. Every incoming message is checked before it reaches a handler.
 */
import { ProtocolError } from './check';
import {
  checkHostMessage, checkRequest,
  type Events, type EventMessage, type Methods, type ParamsOf, type PayloadOf, type RequestMessage,
  type ResponseMessage, type ResultOf,
} from './protocol';

type Post = (message: unknown) => void;

export class RpcClient<M extends Methods, E extends Events> {
  private nextId = 1;
  private readonly pending = new Map<number, { method: keyof M; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<keyof E, ((payload: unknown) => void)[]>();

  constructor(
    private readonly methods: M,
    private readonly events: E,
    private readonly post: Post,
    private readonly onBadMessage: (reason: string) => void = () => undefined,
  ) {}

  request<K extends keyof M & string>(method: K, params: ParamsOf<M, K>): Promise<ResultOf<M, K>> {
    const id = this.nextId++;
    const message: RequestMessage = { type: 'request', id, method, params };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.post(message);
    });
  }

  on<K extends keyof E & string>(name: K, handler: (payload: PayloadOf<E, K>) => void): void {
    const list = this.listeners.get(name) ?? [];
    list.push(handler as (payload: unknown) => void);
    this.listeners.set(name, list);
  }

  /** Feed one message from the host; returns false when it was rejected. */
  receive(raw: unknown): boolean {
    let msg: ResponseMessage | EventMessage;
    try {
      msg = checkHostMessage(raw);
    } catch (e) {
      this.onBadMessage((e as Error).message);
      return false;
    }
    if (msg.type === 'event') {
      const check = Object.prototype.hasOwnProperty.call(this.events, msg.name) ? this.events[msg.name] : undefined;
      if (!check) {
        this.onBadMessage(`unknown event "${msg.name}"`);
        return false;
      }
      let payload: unknown;
      try {
        payload = check(msg.payload, msg.name);
      } catch (e) {
        this.onBadMessage((e as Error).message);
        return false;
      }
      for (const h of this.listeners.get(msg.name) ?? []) h(payload);
      return true;
    }
    const waiting = this.pending.get(msg.id);
    if (!waiting) {
      this.onBadMessage(`response to unknown request ${msg.id}`);
      return false;
    }
    this.pending.delete(msg.id);
    if (!msg.ok) {
      waiting.reject(new Error(msg.error));
      return true;
    }
    try {
      waiting.resolve(this.methods[waiting.method].result(msg.result, `${String(waiting.method)} result`));
    } catch (e) {
      waiting.reject(e as Error);
      this.onBadMessage((e as Error).message);
      return false;
    }
    return true;
  }
}

export type Handlers<M extends Methods> = {
  [K in keyof M]: (params: ParamsOf<M, K>) => Promise<ResultOf<M, K>> | ResultOf<M, K>;
};

export class RpcHost<M extends Methods, E extends Events> {
  constructor(
    private readonly methods: M,
    private readonly handlers: Handlers<M>,
    private readonly post: Post,
    private readonly onBadMessage: (reason: string) => void = () => undefined,
  ) {}

  emit<K extends keyof E & string>(name: K, payload: PayloadOf<E, K>): void {
    const message: EventMessage = { type: 'event', name, payload };
    this.post(message);
  }

  /**
   * Handle one message from the page. A malformed envelope is dropped (there is no id to
   * answer); a bad method or bad params gets an error response so the page's promise settles.
   */
  async receive(raw: unknown): Promise<ResponseMessage | undefined> {
    let req: RequestMessage;
    try {
      req = checkRequest(raw);
    } catch (e) {
      this.onBadMessage((e as Error).message);
      return undefined;
    }
    let response: ResponseMessage;
    try {
      if (!Object.prototype.hasOwnProperty.call(this.methods, req.method)) throw new ProtocolError(`unknown request "${req.method}"`);
      const key = req.method as keyof M;
      const params = this.methods[key].params(req.params, `${req.method} params`) as ParamsOf<M, typeof key>;
      const result = await this.handlers[key](params);
      response = { type: 'response', id: req.id, ok: true, result: result ?? null };
    } catch (e) {
      if (e instanceof ProtocolError) this.onBadMessage(e.message);
      response = { type: 'response', id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    this.post(response);
    return response;
  }
}
