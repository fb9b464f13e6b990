/**
 * Building DOM without innerHTML: text always goes in as text nodes, so data from the host
 * can never become markup.
 */
type AttrValue = string | number | boolean | undefined | null;
export type Attrs = Record<string, AttrValue | ((e: Event) => void)>;
export type Child = Node | string | number | null | undefined | false | Child[];

export function h(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v as EventListener);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** The id of the element holding the keyboard focus inside `el`, or '' (none there, or it has no id). */
function focusedIdWithin(el: Element): string {
  const f = document.activeElement;
  return f && f !== el && el.contains(f) ? f.id : '';
}

/** Give the focus back to the element of that id inside `el`, once a redraw has replaced it. */
function refocus(el: ParentNode, id: string): void {
  if (id) (el.querySelector(`#${CSS.escape(id)}`) as HTMLElement | null)?.focus();
}

/**
 * Redraw `el` with new children. Redraws follow answers and status pushes from the host, so the
 * keyboard focus (a tab, a button, a field) moves to the new element of the same id.
 */
export function replace(el: Element, ...children: Child[]): void {
  const focused = focusedIdWithin(el);
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
  refocus(el, focused);
}

/** Put `next` in the place of `old`, the keyboard focus inside it following as in replace(). */
export function replaceWith(old: Element, next: Element): void {
  const focused = focusedIdWithin(old);
  old.replaceWith(next);
  refocus(next, focused);
}

export function svg(tag: string, attrs: Record<string, string | number>, ...children: SVGElement[]): SVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(c);
  return el;
}

/** The value of a toolkit field (or native input) from its event. */
export function valueOf(e: Event): string {
  return String((e.target as { value?: unknown }).value ?? '');
}

export function checkedOf(e: Event): boolean {
  return Boolean((e.target as { checked?: unknown }).checked);
}

export function problemsList(problems: string[], id: string): HTMLElement {
  return h('ul', { id, class: 'problems', 'aria-live': 'polite' }, problems.map((p) => h('li', null, p)));
}
