/** The form controls the wizard's steps share, as toolkit elements that report changes only. */
import { h, valueOf } from '../lib/dom';

export function radios(id: string, label: string, value: string, items: [string, string, boolean?][], onChange: (v: string) => void): HTMLElement {
  return h('vscode-radio-group', {
    id, orientation: 'vertical',
    onchange: (e: Event) => {
      const t = e.target as { tagName?: string; checked?: boolean; value?: string };
      if (t.tagName === 'VSCODE-RADIO' && !t.checked) return;
      if (t.value && t.value !== value) onChange(t.value);
    },
  },
  h('label', { slot: 'label' }, label),
  items.map(([v, text, disabled]) => h('vscode-radio', { value: v, checked: v === value, disabled: !!disabled }, text)));
}

export function dropdown(id: string, label: string, value: string, options: [string, string][], onChange: (v: string) => void, placeholder?: string): HTMLElement {
  const opts = placeholder && !value ? [['', placeholder] as [string, string], ...options] : options;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('vscode-dropdown', { id, onchange: (e: Event) => { const v = valueOf(e); if (v && v !== value) onChange(v); } },
      opts.map(([v, text]) => h('vscode-option', { value: v, selected: v === value }, text))),
  );
}

export function text(id: string, label: string, value: string, onInput: (v: string) => void, extra: Record<string, string | boolean> = {}): HTMLElement {
  return h('vscode-text-field', { id, value, ...extra, oninput: (e: Event) => onInput(valueOf(e)) }, label);
}
