// A minimal stand-in for the `vscode` module: enough for the extension's activate() to run in
// plain Node (activation benchmark, activation unit test). Records registered commands,
// tree views, status bar items and serializers so callers can assert on them.
'use strict';

const recorded = { commands: new Map(), treeViews: [], statusBarItems: [], serializers: [], outputChannels: [], messages: [] };
// Tests script the user's answers: a function per kind of prompt (see test/unit/extension).
const answers = { quickPick: undefined, warning: undefined, showQuickPick: undefined, inputBox: undefined, error: undefined };

class Disposable {
  constructor(fn) { this._fn = fn; }
  dispose() { if (this._fn) this._fn(); this._fn = undefined; }
  static from(...ds) { return new Disposable(() => ds.forEach((d) => d.dispose())); }
}

class EventEmitter {
  constructor() { this._listeners = new Set(); this.event = (l) => { this._listeners.add(l); return new Disposable(() => this._listeners.delete(l)); }; }
  fire(e) { for (const l of [...this._listeners]) l(e); }
  dispose() { this._listeners.clear(); }
}

const noopEvent = () => new Disposable();
class ThemeIcon { constructor(id, color) { this.id = id; this.color = color; } }
class ThemeColor { constructor(id) { this.id = id; } }
class MarkdownString { constructor(value = '') { this.value = value; } appendMarkdown(s) { this.value += s; return this; } }
class TreeItem { constructor(label, collapsibleState = 0) { this.label = label; this.collapsibleState = collapsibleState; } }
class CancellationError extends Error { constructor() { super('Canceled'); this.name = 'Canceled'; } }
class Uri {
  constructor(fsPath) { this.fsPath = fsPath; this.path = fsPath; this.scheme = 'file'; }
  static file(p) { return new Uri(p); }
  static parse(s) { return new Uri(s); }
  static joinPath(u, ...parts) { return new Uri([u.fsPath, ...parts].join('/')); }
  toString() { return this.fsPath; }
  with() { return this; }
}

function outputChannel(name) {
  const lines = [];
  const ch = { name, lines, logLevel: 2, onDidChangeLogLevel: noopEvent, show() {}, hide() {}, dispose() {}, append() {}, appendLine(s) { lines.push(s); }, clear() {}, replace() {} };
  for (const level of ['trace', 'debug', 'info', 'warn', 'error']) ch[level] = (msg) => lines.push(`[${level}] ${msg}`);
  recorded.outputChannels.push(ch);
  return ch;
}

function statusBarItem(id) {
  const item = { id, text: '', visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
  recorded.statusBarItems.push(item);
  return item;
}

const settings = {};
const vscode = {
  Disposable, EventEmitter, ThemeIcon, ThemeColor, MarkdownString, TreeItem, Uri, CancellationError,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  QuickPickItemKind: { Separator: -1, Default: 0 },
  ViewColumn: { Active: -1, One: 1 },
  commands: {
    registerCommand(id, fn) { recorded.commands.set(id, fn); return new Disposable(() => recorded.commands.delete(id)); },
    executeCommand(id, ...args) { const fn = recorded.commands.get(id); return Promise.resolve(fn ? fn(...args) : undefined); },
    getCommands() { return Promise.resolve([...recorded.commands.keys()]); },
  },
  window: {
    createOutputChannel: outputChannel,
    createTreeView(id, opts) { const v = { id, opts, reveal: async () => undefined, dispose() {}, onDidChangeVisibility: noopEvent, visible: true }; recorded.treeViews.push(v); return v; },
    createStatusBarItem: statusBarItem,
    registerWebviewPanelSerializer(viewType, s) { recorded.serializers.push(viewType); return new Disposable(); },
    withProgress(_o, task) { return Promise.resolve(task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: noopEvent })); },
    showInformationMessage(...a) { recorded.messages.push(['info', a[0]]); return Promise.resolve(undefined); },
    showWarningMessage(...a) { recorded.messages.push(['warning', a[0]]); return Promise.resolve(answers.warning ? answers.warning(...a) : undefined); },
    createQuickPick() {
      const accept = new EventEmitter();
      const hide = new EventEmitter();
      const qp = {
        items: [], selectedItems: [], title: '', placeholder: '', canSelectMany: false,
        onDidAccept: accept.event, onDidHide: hide.event,
        show() {
          setImmediate(() => {
            const pick = answers.quickPick ? answers.quickPick(qp.items, qp) : undefined;
            if (pick === undefined) { hide.fire(); return; }
            qp.selectedItems = pick;
            accept.fire();
          });
        },
        hide() { hide.fire(); },
        dispose() {},
      };
      return qp;
    },
    showErrorMessage(...a) { recorded.messages.push(['error', a[0]]); return Promise.resolve(answers.error ? answers.error(...a) : undefined); },
    setStatusBarMessage() { return new Disposable(); },
    showQuickPick(items, opts) { return Promise.resolve(items).then((list) => (answers.showQuickPick ? answers.showQuickPick(list, opts) : undefined)); },
    showInputBox(opts) { return Promise.resolve(answers.inputBox ? answers.inputBox(opts) : undefined); },
  },
  workspace: {
    getConfiguration(section) { return { get: (k, d) => (settings[`${section}.${k}`] ?? d) }; },
    onDidChangeConfiguration: noopEvent,
  },
  authentication: { onDidChangeSessions: noopEvent, getSession: () => Promise.resolve(undefined) },
  env: { clipboard: { writeText: () => Promise.resolve() }, openExternal: () => Promise.resolve(true) },
};

function memento() {
  const m = new Map();
  return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: (k, v) => { m.set(k, v); return Promise.resolve(); }, keys: () => [...m.keys()] };
}

/** A fake ExtensionContext for activate(). */
function fakeContext(root) {
  const secrets = new Map();
  return {
    subscriptions: [],
    extensionUri: Uri.file(root),
    extensionPath: root,
    globalState: { ...memento(), setKeysForSync() {} },
    workspaceState: memento(),
    secrets: {
      get: (k) => Promise.resolve(secrets.get(k)),
      store: (k, v) => { secrets.set(k, v); return Promise.resolve(); },
      delete: (k) => { secrets.delete(k); return Promise.resolve(); },
      onDidChange: noopEvent,
    },
    extension: { packageJSON: require(`${root}/package.json`) },
    asAbsolutePath: (p) => `${root}/${p}`,
    logUri: Uri.file('/tmp'),
    globalStorageUri: Uri.file('/tmp'),
  };
}

/** Make `require('vscode')` return the stub. */
function install() {
  const Module = require('module');
  const orig = Module._resolveFilename;
  if (Module._resolveFilename.__pgflexStub) return;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode') return __filename;
    return orig.call(this, request, ...rest);
  };
  Module._resolveFilename.__pgflexStub = true;
}

// One object is both `require('vscode')` and the test handle, whoever requires it first.
module.exports = Object.assign(vscode, { install, vscode, recorded, settings, fakeContext, answers });
