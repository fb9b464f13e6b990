/**
 * ARM failures worded for a person. The SDK pipeline (or, for discovery lists, leanGet.ts)
 * already retries 408, 429 and 5xx (honouring Retry-After) before an error reaches this point,
 * so what arrives here is final.
 */

export type AzureErrorKind =
  | 'sign-in'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'throttled'
  | 'service'
  | 'invalid'
  | 'network'
  | 'state'
  | 'other';

export class AzureError extends Error {
  constructor(
    message: string,
    readonly kind: AzureErrorKind,
    readonly statusCode?: number,
    /** ARM `error.code`, e.g. `AuthorizationFailed`, `ResourceNotFound`. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'AzureError';
  }
}

/** What was being done, for the message: "list the migrations of exampletarget". */
export interface ArmContext {
  action: string;
  /** The resource concerned, as a person names it: `Flexible Server "x" in resource group "rg"`. */
  resource?: string;
  /** The permission the action needs, for 403s. */
  permission?: string;
}

interface RestErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  details?: unknown;
  response?: { status?: number; bodyAsText?: string | null; headers?: { get(n: string): string | undefined } };
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'REQUEST_SEND_ERROR'];
const TLS = /self[- ]signed|unable to verify|certificate|UNABLE_TO_GET_ISSUER/i;

export function explainArmError(e: unknown, ctx: ArmContext): AzureError {
  if (e instanceof AzureError) return e;
  const err = (e ?? {}) as RestErrorLike;
  const name = err.name ?? '';
  const raw = armMessage(err);
  const what = `Could not ${ctx.action}`;
  if (name === 'SignInRequiredError' || name === 'AuthenticationRequiredError' || name === 'CredentialUnavailableError' || name === 'AggregateAuthenticationError' || name === 'AuthenticationError') {
    return new AzureError(`${what}: you are not signed in to Azure or your sign-in has expired. Sign in again (in VS Code: "Sign in to Azure"; in a terminal: az login) and retry. (${firstLine(raw)})`, 'sign-in');
  }
  const status = err.statusCode ?? err.response?.status;
  const code = armCode(err);
  if (status === 401) {
    return new AzureError(`${what}: Azure did not accept your sign-in (it has expired or belongs to another tenant). Sign in again and retry.`, 'sign-in', status, code);
  }
  if (status === 403) {
    const scope = /scope '([^']+)'/i.exec(raw)?.[1];
    const action = /action '([^']+)'/i.exec(raw)?.[1] ?? ctx.permission;
    const role = suggestRole(action);
    return new AzureError(
      `${what}: your account lacks permission${action ? ` "${action}"` : ''}${scope ? ` on ${scope}` : ctx.resource ? ` on ${ctx.resource}` : ''}. Ask an owner of that scope to give you the ${role} role (or a custom role with that action), then retry.`,
      'forbidden', status, code,
    );
  }
  if (status === 404) {
    return new AzureError(`${what}: ${ctx.resource ?? 'the resource'} was not found (${code ?? 'NotFound'}). Check the subscription, resource group and name, and that it still exists.`, 'not-found', status, code);
  }
  if (status === 409) {
    return new AzureError(`${what}: ${conflictText(raw, ctx)}`, 'conflict', status, code);
  }
  if (status === 429) {
    return new AzureError(`${what}: Azure is throttling requests and still refused after several retries. Wait a minute and retry.`, 'throttled', status, code);
  }
  if (status !== undefined && status >= 500) {
    return new AzureError(`${what}: Azure answered ${status}${code ? ` ${code}` : ''} after several retries: ${firstLine(raw)}. Retry later; if it persists, check the Azure status page.`, 'service', status, code);
  }
  if (status === 400) {
    return new AzureError(`${what}: Azure rejected the request (${code ?? 'BadRequest'}): ${firstLine(raw)}`, 'invalid', status, code);
  }
  const errno = (e as { code?: string })?.code;
  if ((errno && NETWORK_CODES.includes(errno)) || (status === undefined && TLS.test(raw))) {
    const tls = TLS.test(raw);
    return new AzureError(
      tls
        ? `${what}: the TLS certificate of the Azure Resource Manager endpoint is not trusted (${firstLine(raw)}). For a private endpoint, point NODE_EXTRA_CA_CERTS at its CA certificate.`
        : `${what}: Azure Resource Manager could not be reached (${firstLine(raw)}). Check the network, a proxy, or the ARM endpoint.`,
      'network', status, errno,
    );
  }
  return new AzureError(`${what}: ${firstLine(raw) || 'unknown error'}`, 'other', status, code);
}

function armCode(err: RestErrorLike): string | undefined {
  if (typeof err.code === 'string' && !/^[A-Z_]+$/.test(err.code)) return err.code;
  const body = parseBody(err);
  return body?.error?.code ?? (typeof err.code === 'string' ? err.code : undefined);
}

function parseBody(err: RestErrorLike): { error?: { code?: string; message?: string } } | undefined {
  const d = err.details as { error?: { code?: string; message?: string } } | undefined;
  if (d && typeof d === 'object' && d.error) return d;
  const text = err.response?.bodyAsText;
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function armMessage(err: RestErrorLike): string {
  return parseBody(err)?.error?.message ?? err.message ?? String(err);
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function conflictText(raw: string, ctx: ArmContext): string {
  if (/exist/i.test(raw) || /name/i.test(raw)) {
    return `the name is already taken${ctx.resource ? ` (${ctx.resource})` : ''}. Choose another name. (${firstLine(raw)})`;
  }
  return `${ctx.resource ?? 'the resource'} is busy with another operation (${firstLine(raw)}). Wait for it to finish and retry.`;
}

/** The built-in role a person should ask for, from the denied action. */
export function suggestRole(action: string | undefined): string {
  if (!action) return 'Contributor';
  if (/\/read$/i.test(action)) return 'Reader';
  return 'Contributor';
}
