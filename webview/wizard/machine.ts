/**
 * The wizard's state machine over the step list: which step may be opened, Next, Previous, and
 * where a restored draft resumes. Pure functions over the draft and the facts, tested in plain Node.
 */
import type { WizardDraft, WizardStep } from '../../src/contract/protocol';
import type { WizardFacts } from './facts';
import { stepIndex, stepOf, STEPS } from './steps/stepList';

export function stepProblems(step: WizardStep, d: WizardDraft, facts: WizardFacts): string[] {
  return stepOf(step).problems(d, facts);
}

export function stepValid(step: WizardStep, d: WizardDraft, facts: WizardFacts): boolean {
  return stepProblems(step, d, facts).length === 0;
}

/** A tab can be opened when every tab before it is valid (the portal's rule). */
export function canEnter(step: WizardStep, d: WizardDraft, facts: WizardFacts): boolean {
  return STEPS.slice(0, stepIndex(step)).every((s) => stepValid(s.id, d, facts));
}

export function goTo(step: WizardStep, d: WizardDraft, facts: WizardFacts): WizardDraft {
  return canEnter(step, d, facts) ? { ...d, step } : d;
}

export function next(d: WizardDraft, facts: WizardFacts): WizardDraft {
  const i = stepIndex(d.step);
  if (i >= STEPS.length - 1 || !stepValid(d.step, d, facts)) return d;
  return { ...d, step: STEPS[i + 1].id };
}

export function back(d: WizardDraft): WizardDraft {
  const i = stepIndex(d.step);
  return i <= 0 ? d : { ...d, step: STEPS[i - 1].id };
}

/** Where a restored draft may resume: its own step if still reachable, else the first invalid one. */
export function resumeStep(d: WizardDraft, facts: WizardFacts): WizardStep {
  if (canEnter(d.step, d, facts)) return d.step;
  return STEPS.find((s) => !stepValid(s.id, d, facts))?.id ?? STEPS[0].id;
}
