/** The page's side of the bridge: the VS Code API handle and a checked RPC client. */
import { RpcClient } from '../../src/contract/rpc';
import type { Events, Methods } from '../../src/contract/protocol';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;
export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

export function connectHost<M extends Methods, E extends Events>(methods: M, events: E): RpcClient<M, E> {
  const client = new RpcClient(methods, events, (m) => vscodeApi().postMessage(m), (why) => console.warn(`pgflex: ignored a message from the host: ${why}`));
  window.addEventListener('message', (e: MessageEvent) => client.receive(e.data));
  return client;
}
