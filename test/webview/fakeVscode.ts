/**
 * Just enough of the `vscode` API for the panel hosts to run in plain Node: panels record
 * what they post, and tests deliver page messages through the host's handleMessage.
 */
import path from 'node:path';

type Listener<T> = (e: T) => void;
class Emitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

export class Uri {
  constructor(readonly fsPath: string) {}
  static file(p: string): Uri { return new Uri(p); }
  static joinPath(base: Uri, ...parts: string[]): Uri { return new Uri(path.join(base.fsPath, ...parts)); }
  toString(): string { return `https://file+.vscode-resource.test${this.fsPath}`; }
}

export const ViewColumn = { Active: -1, One: 1 };
export const ProgressLocation = { Notification: 15 };

export class FakePanel {
  readonly posted: unknown[] = [];
  readonly htmlHistory: string[] = [];
  disposed = false;
  visible = true;
  title: string;
  iconPath: unknown;
  private readonly disposeEmitter = new Emitter<void>();
  private readonly viewStateEmitter = new Emitter<unknown>();
  private readonly messageEmitter = new Emitter<unknown>();
  readonly webview = {
    options: {} as { localResourceRoots?: Uri[]; enableScripts?: boolean },
    cspSource: 'https://file+.vscode-resource.test',
    asWebviewUri: (u: Uri) => u,
    postMessage: async (m: unknown) => {
      if (this.disposed) throw new Error('Webview is disposed');
      this.posted.push(JSON.parse(JSON.stringify(m)));
      return true;
    },
    onDidReceiveMessage: this.messageEmitter.event,
    _html: '',
  };
  onDidDispose = this.disposeEmitter.event;
  onDidChangeViewState = this.viewStateEmitter.event;

  constructor(readonly viewType: string, title: string, readonly options: { localResourceRoots?: Uri[] }) {
    this.title = title;
    Object.defineProperty(this.webview, 'html', {
      get: () => this.webview._html,
      set: (v: string) => { this.webview._html = v; this.htmlHistory.push(v); },
    });
  }
  reveal(): void { this.visible = true; }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
  hide(): void {
    this.visible = false;
    this.viewStateEmitter.fire({ webviewPanel: this });
  }
}

export const created: FakePanel[] = [];
export const notifications: string[] = [];
export const clipboard: string[] = [];
export const serializers = new Map<string, { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> }>();

export const window = {
  createWebviewPanel(viewType: string, title: string, _col: unknown, options: { localResourceRoots?: Uri[] }) {
    const p = new FakePanel(viewType, title, options);
    created.push(p);
    return p;
  },
  withProgress<T>(_o: unknown, task: () => Promise<T>): Promise<T> { return task(); },
  showInformationMessage(m: string) { notifications.push(m); return Promise.resolve(undefined); },
  registerWebviewPanelSerializer(viewType: string, s: { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> }) {
    serializers.set(viewType, s);
    return { dispose: () => serializers.delete(viewType) };
  },
};

export const env = { clipboard: { writeText: async (t: string) => { clipboard.push(t); } } };
