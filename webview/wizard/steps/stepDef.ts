/**
 * One wizard step: its title, what keeps the user on it, its view and what happens on entering
 * it. Each step lives in a file of its own; stepList.ts orders them.
 */
import type { WizardDraft, WizardStep } from '../../../src/contract/protocol';
import type { Child } from '../../lib/dom';
import type { WizardFacts } from '../facts';
import type { WizardPage } from '../page';

export interface WizardStepDef {
  readonly id: WizardStep;
  readonly title: string;
  /** Why Next is disabled here, one readable sentence each; empty when the step is complete. */
  problems(d: WizardDraft, facts: WizardFacts): string[];
  view(page: WizardPage): Child;
  /**
   * The parts of the view that typing or an answer from the host can change. A partial redraw
   * replaces each by its id and leaves the rest, so a field being edited keeps the focus.
   */
  live?(page: WizardPage): HTMLElement[];
  onEnter?(page: WizardPage): void;
}
