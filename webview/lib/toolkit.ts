/**
 * The VS Code webview toolkit's custom elements. Kept apart from lib/dom because the toolkit
 * touches the browser as it loads: the wizard's steps build DOM through lib/dom and their pure
 * rules are tested in plain Node, so lib/dom must load there.
 */
import {
  provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown,
  vsCodeOption, vsCodeProgressRing, vsCodeRadio, vsCodeRadioGroup, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(
    vsCodeBadge(), vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeOption(),
    vsCodeProgressRing(), vsCodeRadio(), vsCodeRadioGroup(), vsCodeTextField(),
  );
}
