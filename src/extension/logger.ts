import * as vscode from 'vscode';
import { Disposable } from './lifecycle';

/**
 * The "PostgreSQL Migration" log (a LogOutputChannel, so the user picks the level). Every
 * provider call and command goes through here. Known secrets are masked before writing, as
 * a second line of defence: callers never pass passwords on purpose.
 */
export class Logger extends Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor() {
    super();
    this.channel = this._register(vscode.window.createOutputChannel('PostgreSQL Migration', { log: true }));
  }

  /** Remember a secret so it is masked if it ever reaches a message. */
  addSecret(s: string | undefined): void {
    if (s && s.length >= 4) this.secrets.add(s);
  }

  trace(msg: string): void { this.channel.trace(this.mask(msg)); }
  debug(msg: string): void { this.channel.debug(this.mask(msg)); }
  info(msg: string): void { this.channel.info(this.mask(msg)); }
  warn(msg: string): void { this.channel.warn(this.mask(msg)); }
  error(msg: string | Error): void {
    this.channel.error(this.mask(msg instanceof Error ? `${msg.message}${msg.stack ? `\n${msg.stack}` : ''}` : msg));
  }

  show(): void {
    this.channel.show(true);
  }

  private mask(s: string): string {
    let out = s;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}
