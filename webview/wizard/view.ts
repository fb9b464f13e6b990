/**
 * Renders the wizard's frame (title, tabs, problems, notice, navigation) around the current
 * step's own view. Text only through text nodes (lib/dom).
 */
import { h, problemsList, replace, replaceWith } from '../lib/dom';
import { canEnter, stepProblems } from './machine';
import type { WizardPage } from './page';
import { stepIndex, stepOf, STEPS } from './steps/stepList';

/** `partial` refreshes only what typing can change, so a field being edited keeps focus. */
export function renderWizard(root: HTMLElement, c: WizardPage, partial = false): void {
  root.removeAttribute('aria-busy');
  const step = stepOf(c.draft.step);
  if (partial && root.querySelector('#step')) {
    swap(root, '#tabs', tabs(c));
    swap(root, '#problems', problemsList(stepProblems(step.id, c.draft, c.facts), 'problems'));
    swap(root, '#notice', notice(c));
    swap(root, '#nav', nav(c));
    for (const el of step.live?.(c) ?? []) swap(root, `#${el.id}`, el);
    return;
  }
  replace(root,
    h('header', { class: 'title' },
      h('h1', null, 'New migration'),
      h('span', { class: 'muted' }, c.draft.provider === 'azure' ? 'Azure Database for PostgreSQL migration service' : 'pgflex direct engine'),
    ),
    tabs(c),
    h('section', { id: 'step', role: 'tabpanel', 'aria-labelledby': `tab-${step.id}`, 'data-step': step.id },
      h('h2', { tabindex: '-1' }, step.title),
      step.view(c),
    ),
    problemsList(stepProblems(step.id, c.draft, c.facts), 'problems'),
    notice(c),
    nav(c),
  );
}

function swap(root: HTMLElement, sel: string, el: HTMLElement): void {
  const old = root.querySelector(sel);
  if (old) replaceWith(old, el);
}

function tabs(c: WizardPage): HTMLElement {
  const bar = h('nav', { id: 'tabs', role: 'tablist', 'aria-label': 'Wizard steps' });
  STEPS.forEach(({ id: s, title }, i) => {
    const selected = c.draft.step === s;
    const enabled = canEnter(s, c.draft, c.facts);
    const done = !selected && enabled && c.isValid(s);
    bar.appendChild(h('button', {
      id: `tab-${s}`, role: 'tab', class: `tab${selected ? ' selected' : ''}${done ? ' done' : ''}`,
      'aria-selected': selected ? 'true' : 'false', 'aria-disabled': enabled ? 'false' : 'true',
      tabindex: selected ? '0' : '-1', 'data-step': s,
      onclick: () => c.go(s),
      onkeydown: (e: Event) => tabKey(e as KeyboardEvent, i),
    }, h('span', { class: 'tab-num', 'aria-hidden': 'true' }, done ? '✓' : String(i + 1)), title));
  });
  return bar;
}

/** Arrow keys move between tabs (WAI-ARIA tabs pattern); Enter/Space activates. */
function tabKey(e: KeyboardEvent, i: number): void {
  const list = Array.from(document.querySelectorAll<HTMLElement>('#tabs [role=tab]'));
  let j = i;
  if (e.key === 'ArrowRight') j = (i + 1) % list.length;
  else if (e.key === 'ArrowLeft') j = (i - 1 + list.length) % list.length;
  else if (e.key === 'Home') j = 0;
  else if (e.key === 'End') j = list.length - 1;
  else return;
  e.preventDefault();
  list.forEach((t, k) => t.setAttribute('tabindex', k === j ? '0' : '-1'));
  list[j].focus();
}

function notice(c: WizardPage): HTMLElement {
  const n = c.notice;
  return h('div', { id: 'notice', role: n?.kind === 'error' ? 'alert' : 'status', class: n ? `notice ${n.kind}` : 'notice empty' }, n?.text ?? '',
    n?.startOver ? [' ', h('vscode-button', { id: 'start-over', appearance: 'secondary', onclick: () => c.startOver() }, 'Start over')] : null);
}

function nav(c: WizardPage): HTMLElement {
  const step = c.draft.step;
  const i = stepIndex(step);
  const first = i === 0;
  const last = i === STEPS.length - 1;
  const valid = c.isValid(step);
  return h('footer', { id: 'nav', class: 'nav' },
    h('vscode-button', { id: 'back', appearance: 'secondary', disabled: first, onclick: () => c.back() }, 'Previous'),
    last
      ? h('vscode-button', { id: 'start', disabled: !valid || c.busy.has('start'), onclick: () => void c.startMigration() }, c.busy.has('start') ? 'Starting…' : 'Start migration')
      : h('vscode-button', { id: 'next', disabled: !valid, onclick: () => c.next() }, `Next: ${STEPS[i + 1].title}`),
    h('span', { class: 'spacer' }),
    h('vscode-button', { id: 'save', appearance: 'secondary', onclick: () => void c.saveForLater() }, 'Save for later'),
  );
}
