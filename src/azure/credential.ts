/**
 * Credentials for ARM. The provider accepts any `TokenCredential`; this file makes the ones we
 * need without importing `vscode`: a static token (PGFLEX_ARM_TOKEN, tests), an adapter over a
 * VS Code-like `getSession(scopes)` callback (the extension passes its Microsoft auth session),
 * and the CLI's default chain from `@azure/identity`.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

export type { AccessToken, TokenCredential };

/** Raised when no signed-in account can give a token: the UI offers "Sign in". */
export class SignInRequiredError extends Error {
  constructor(message = 'You are not signed in to Azure. Sign in and try again.') {
    super(message);
    this.name = 'SignInRequiredError';
  }
}

/** A fixed bearer token (a token from `az account get-access-token`, or a test token). */
export function staticTokenCredential(token: string, expiresOnTimestamp = Date.now() + 60 * 60 * 1000): TokenCredential {
  if (!token.trim()) throw new SignInRequiredError('The Azure access token is empty. Set PGFLEX_ARM_TOKEN to a token, or unset it to use your Azure CLI sign-in.');
  return {
    async getToken(): Promise<AccessToken> {
      return { token: token.trim(), expiresOnTimestamp };
    },
  };
}

/** What VS Code's `authentication.getSession` returns, reduced to what we need. */
export interface SessionLike {
  accessToken: string;
  /** Epoch ms when the token expires; VS Code does not say, so the adapter assumes a short life. */
  expiresOn?: number;
}

export type GetSession = (scopes: string[], options: { tenantId?: string; silent: boolean }) => Promise<SessionLike | undefined>;

/**
 * Turn a `getSession(scopes)` callback into a TokenCredential. ARM asks for
 * `<endpoint>/.default`; VS Code's Microsoft provider wants `<endpoint>/user_impersonation`
 * style scopes plus a `VSCODE_TENANT:<id>` scope to pick a tenant, so both are passed.
 */
export function sessionCredential(getSession: GetSession, opts: { tenantId?: string; assumedLifetimeMs?: number } = {}): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const list = (Array.isArray(scopes) ? scopes : [scopes]).map(toVsCodeScope);
      const tenantId = options?.tenantId ?? opts.tenantId;
      if (tenantId) list.push(`VSCODE_TENANT:${tenantId}`);
      const session = await getSession(list, { tenantId, silent: true });
      if (!session?.accessToken) {
        throw new SignInRequiredError(
          `You are not signed in to Azure${tenantId ? ` for tenant ${tenantId}` : ''}, or your sign-in has expired. Sign in again and retry.`,
        );
      }
      return { token: session.accessToken, expiresOnTimestamp: session.expiresOn ?? Date.now() + (opts.assumedLifetimeMs ?? 5 * 60 * 1000) };
    },
  };
}

/** `https://management.azure.com/.default` → `https://management.azure.com/.default` kept; bare resource → `/.default`. */
function toVsCodeScope(scope: string): string {
  return /\/\.default$|\/user_impersonation$/.test(scope) ? scope : `${scope.replace(/\/$/, '')}/.default`;
}

/**
 * The CLI's credential: PGFLEX_ARM_TOKEN when set, otherwise `DefaultAzureCredential`
 * (environment, workload/managed identity, Azure CLI, Azure Developer CLI, PowerShell).
 * `@azure/identity` is loaded only when needed.
 */
export async function cliCredential(env: NodeJS.ProcessEnv = process.env): Promise<TokenCredential> {
  if (env.PGFLEX_ARM_TOKEN !== undefined) return staticTokenCredential(env.PGFLEX_ARM_TOKEN);
  const identity = await import('@azure/identity');
  return new identity.DefaultAzureCredential();
}
