import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { TreeModel, TreeNode } from '../model/treeModel';
import { toTreeItem } from './treeItems';

export const VIEW_ID = 'pgflex.migrations';

/**
 * Forwards to the TreeModel: children come from the model (which loads each level once,
 * asynchronously), items are rendered from nodes. While a level loads, the view shows its
 * progress bar.
 */
export class MigrationTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  readonly view: vscode.TreeView<TreeNode>;

  constructor(private readonly model: TreeModel) {
    super();
    this._register(model.onDidChange((n) => this.emitter.fire(n)));
    this.view = this._register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  getChildren(node?: TreeNode): Thenable<TreeNode[]> | TreeNode[] {
    if (node && this.model.peek(node.id)) return this.model.peek(node.id)!;
    const p = this.model.children(node);
    if (!node) return p;
    return vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => p);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.model.parent(node);
  }

  async reveal(node: TreeNode): Promise<void> {
    await this.view.reveal(node, { select: true, focus: true, expand: false });
  }
}
