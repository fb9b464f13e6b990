import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { connectionId } from '../../core/ids';
import { type SavedConnection, missingConnections, secretKey } from '../model/connections';

const KEY = 'pgflex.connections';

/**
 * Direct connections: details in globalState, passwords in SecretStorage only. Reading the
 * list is synchronous (globalState is in memory), so the tree's Direct level does no I/O.
 */
export class ConnectionStore extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento, private readonly secrets: vscode.SecretStorage) {
    super();
  }

  list(): SavedConnection[] {
    return this.state.get<SavedConnection[]>(KEY, []);
  }

  get(id: string): SavedConnection | undefined {
    return this.list().find((c) => c.id === id);
  }

  async save(c: Omit<SavedConnection, 'id'>, password: string | undefined): Promise<SavedConnection> {
    const saved: SavedConnection = { ...c, id: connectionId(c) };
    const rest = this.list().filter((x) => x.id !== saved.id);
    if (password !== undefined) await this.secrets.store(secretKey(saved.id), password);
    await this.state.update(KEY, [...rest, saved]);
    this.emitter.fire();
    return saved;
  }

  async remove(id: string): Promise<void> {
    await this.state.update(KEY, this.list().filter((c) => c.id !== id));
    await this.secrets.delete(secretKey(id));
    this.emitter.fire();
  }

  password(id: string): Thenable<string | undefined> {
    return this.secrets.get(secretKey(id));
  }

  /** Adds connections that are not saved yet (the sandbox's); returns how many were added. */
  async addMissing(incoming: (Omit<SavedConnection, 'id'> & { password: string })[]): Promise<number> {
    const add = missingConnections(this.list(), incoming);
    for (const { password, ...c } of add) {
      await this.secrets.store(secretKey(c.id), password);
    }
    if (add.length) {
      await this.state.update(KEY, [...this.list(), ...add.map(({ password: _p, ...c }) => c)]);
      this.emitter.fire();
    }
    return add.length;
  }
}
