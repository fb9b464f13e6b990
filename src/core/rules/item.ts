import type { ValidationMessage, ValidationState, ValidationSummaryItem } from '../model';

const RANK: Record<string, number> = { Succeeded: 0, Warning: 1, Failed: 2 };

/** The worse of two states (Failed > Warning > Succeeded); unknown states count as Failed. */
export function worst(a: string, b: string): ValidationState {
  return ((RANK[a] ?? 2) >= (RANK[b] ?? 2) ? a : b) as ValidationState;
}

export function worstOf(states: string[]): ValidationState {
  return states.reduce<ValidationState>((acc, s) => worst(acc, s), 'Succeeded');
}

export const ok = (message: string): ValidationMessage => ({ state: 'Succeeded', message });
export const warn = (message: string): ValidationMessage => ({ state: 'Warning', message });
export const fail = (message: string): ValidationMessage => ({ state: 'Failed', message });

type Extra = Pick<ValidationSummaryItem, 'correctiveAction' | 'code' | 'objects' | 'fix'>;

/** One rule's result; its state is the worst of its messages. */
export function item(type: string, messages: ValidationMessage[], extra: Extra = {}): ValidationSummaryItem {
  const out: ValidationSummaryItem = { type, state: worstOf(messages.map((m) => m.state)), messages };
  for (const [k, v] of Object.entries(extra) as [keyof Extra, unknown][]) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    (out as unknown as Record<string, unknown>)[k] = v;
  }
  // A corrective action on a rule that passed would only confuse.
  if (out.state === 'Succeeded') {
    delete out.correctiveAction;
    delete out.fix;
    delete out.code;
  }
  return out;
}

/** A rule that could not run is reported as Failed, saying why: silence would read as a pass. */
export function notChecked(type: string, why: string, correctiveAction?: string): ValidationSummaryItem {
  return item(type, [fail(`Not checked: ${why}`)], { correctiveAction: correctiveAction ?? 'Fix the connection problem reported above, then validate again.' });
}

/** "a, b and 3 more" — keeps messages readable on servers with thousands of objects. */
export function listSome(names: string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Major version as a number: 160004 → 16, 90624 → 9.6 (before 10 the major had two parts). */
export function majorOf(versionNum: number): number {
  if (versionNum >= 100000) return Math.floor(versionNum / 10000);
  return Math.floor(versionNum / 10000) + (Math.floor(versionNum / 100) % 100) / 10;
}

export function versionLabel(versionNum: number): string {
  if (versionNum >= 100000) return `${Math.floor(versionNum / 10000)}.${versionNum % 10000}`;
  return `${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}.${versionNum % 100}`;
}
