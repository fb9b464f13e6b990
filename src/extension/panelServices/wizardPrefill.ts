import { randomUUID } from 'node:crypto';
import type { ServerRef } from '../../core/provider';
import { parseAzureServerId } from '../../core/ids';
import type { ServerChoice, WizardDraft } from '../../contract/protocol';
import { draftFromMigration, emptyChoice } from '../../contract/draft';
import type { PgflexContext } from '../context';
import type { WizardPrefill } from '../panelHost';
import { type SavedConnection, toServerRef } from '../model/connections';
import { findSourceConnection } from '../model/retrySpec';

function choiceOfConnection(c: SavedConnection): ServerChoice {
  return { how: 'saved', connectionId: c.id, host: c.host, port: c.port, user: c.user, database: c.database, sslMode: c.sslMode };
}

function choiceOfAzure(r: ServerRef): ServerChoice {
  const s = parseAzureServerId(r.id);
  return {
    ...emptyChoice(), how: 'azure', host: r.host, port: r.port, user: r.user, database: r.database ?? 'postgres', sslMode: r.sslMode ?? 'require',
    azure: { subscriptionId: s?.subscriptionId ?? '', resourceGroup: s?.resourceGroup ?? '', serverId: r.id, serverName: r.label },
  };
}

/** Prefill for Migrate now / New migration on a target / Restart in wizard (never a password). */
export function wizardPrefill(ctx: PgflexContext, p: WizardPrefill): Partial<WizardDraft> {
  const conns = ctx.connections.list();
  const byId = (id?: string) => conns.find((c) => c.id === id);
  const targetConn = (r?: ServerRef) => conns.find((c) => c.role === 'target' && r && toServerRef(c).id === r.id);
  const provider = p.provider ?? 'direct';
  if (p.from) {
    const src = findSourceConnection(p.from, conns);
    const d = draftFromMigration(randomUUID(), p.from, provider, p.targetServer, src ? toServerRef(src) : undefined);
    if (src) d.source = choiceOfConnection(src);
    const t = targetConn(p.targetServer);
    if (t) d.target = choiceOfConnection(t);
    return d;
  }
  const out: Partial<WizardDraft> = { provider };
  const source = byId(p.sourceConnectionId);
  if (source) out.source = choiceOfConnection(source);
  if (p.sourceServer) {
    out.source = choiceOfAzure(p.sourceServer);
    out.sourceType = 'PostgreSQLSingleServer';
  }
  const target = byId(p.targetConnectionId);
  if (target) out.target = choiceOfConnection(target);
  if (p.targetServer) out.target = choiceOfAzure(p.targetServer);
  return out;
}
