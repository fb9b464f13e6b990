import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { SignInRequiredError, type AzureTenant } from '../model/azureTypes';
import { listTenants } from './armDirectory';
import { type AzureCloud, armScope, azureCloud, fixedTokenFor } from '../model/azureCloud';

/** A TokenCredential as @azure/core-auth defines it (structural, to avoid the import). */
export interface TokenCredentialLike {
  getToken(scopes: string | string[], options?: { tenantId?: string }): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/** The cloud in use: VS Code's sovereign-cloud setting, PGFLEX_ARM_ENDPOINT for test servers. */
export function currentCloud(): AzureCloud {
  return azureCloud(vscode.workspace.getConfiguration('microsoft-sovereign-cloud').get<string>('environment'), process.env.PGFLEX_ARM_ENDPOINT);
}

/**
 * The Azure sign-in, through VS Code's Microsoft authentication provider. Nothing happens
 * at construction: the first silent session check runs when the Azure node is expanded.
 */
export class AzureAccount extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  /** Fires when the user signs in or out (in this window or another). */
  readonly onDidChange = this.emitter.event;
  private signedIn = false;

  constructor() {
    super();
    this._register(vscode.authentication.onDidChangeSessions((e) => {
      if (e.provider.id === currentCloud().authProvider) this.emitter.fire();
    }));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('microsoft-sovereign-cloud')) this.emitter.fire();
    }));
  }

  isSignedIn(): boolean {
    return this.signedIn;
  }

  private scopes(tenantId?: string, resource = armScope(currentCloud())): string[] {
    return tenantId ? [resource, `VSCODE_TENANT:${tenantId}`] : [resource];
  }

  /** Interactive sign-in (optionally to one tenant); false when the user backs out. */
  async signIn(tenantId?: string): Promise<boolean> {
    try {
      const s = await vscode.authentication.getSession(currentCloud().authProvider, this.scopes(tenantId), { createIfNone: true });
      this.signedIn = !!s;
      this.emitter.fire();
      return !!s;
    } catch (e) {
      if (e instanceof Error && /cancel/i.test(e.message)) return false;
      throw e;
    }
  }

  /** A token without prompting; SignInRequiredError when there is no session. */
  async token(tenantId?: string, resource = armScope(currentCloud())): Promise<string> {
      // Tests and the sandbox may point at an ARM-compatible server with a fixed token.
    if (process.env.PGFLEX_ARM_TOKEN) {
      const fixed = fixedTokenFor(resource, currentCloud(), process.env.PGFLEX_ARM_TOKEN);
      if (!fixed) throw new SignInRequiredError(undefined, 'PGFLEX_ARM_TOKEN is a token for ARM; it is not used for other resources (database passwords).');
      this.signedIn = true;
      return fixed;
    }
    const home = await vscode.authentication.getSession(currentCloud().authProvider, this.scopes(undefined, resource), { silent: true });
    if (!home) {
      this.signedIn = false;
      throw new SignInRequiredError();
    }
    this.signedIn = true;
    // The default session already speaks for its home tenant; other tenants need their own.
    if (!tenantId || tenantOf(home.accessToken) === tenantId) return home.accessToken;
    const s = await vscode.authentication.getSession(currentCloud().authProvider, this.scopes(tenantId, resource), { silent: true });
    if (!s) throw new SignInRequiredError(tenantId, `Sign in to tenant ${tenantId} to see its subscriptions.`);
    return s.accessToken;
  }

  /** For the Azure SDK (ARM) and for Entra tokens as PostgreSQL passwords. */
  credential(tenantId?: string): TokenCredentialLike {
    return {
      getToken: async (scopes, options) => {
        const list = Array.isArray(scopes) ? scopes : [scopes];
        const token = await this.token(options?.tenantId ?? tenantId, list[0] ?? armScope(currentCloud()));
        // VS Code does not report the expiry; a short assumed life makes the SDK ask again soon.
        return { token, expiresOnTimestamp: Date.now() + 5 * 60 * 1000 };
      },
    };
  }

  /** Tenants of the account. An ARM endpoint without /tenants (a test server) counts as one tenant. */
  async tenants(): Promise<AzureTenant[]> {
    const token = await this.token();
    try {
      return await listTenants(token, undefined, currentCloud().armEndpoint);
    } catch (e) {
      if (process.env.PGFLEX_ARM_ENDPOINT) return [{ tenantId: tenantOf(token) ?? 'default' }];
      throw e;
    }
  }
}

/** The `tid` claim of a JWT access token (no verification: only to pick a session). */
export function tenantOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tid?: string };
    return payload.tid;
  } catch {
    return undefined;
  }
}
