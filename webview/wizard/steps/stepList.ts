/** The wizard's steps, in order: the one place a step is added, removed or moved. */
import type { WizardStep } from '../../../src/contract/protocol';
import { databasesStep } from './databasesStep';
import { sourceStep, targetStep } from './serverStep';
import { setupStep } from './setupStep';
import type { WizardStepDef } from './stepDef';
import { summaryStep } from './summaryStep';

const beforeSummary: readonly WizardStepDef[] = [setupStep, sourceStep, targetStep, databasesStep];

export const STEPS: readonly WizardStepDef[] = [...beforeSummary, summaryStep(beforeSummary)];

export function stepIndex(id: WizardStep): number {
  return STEPS.findIndex((s) => s.id === id);
}

export function stepOf(id: WizardStep): WizardStepDef {
  const step = STEPS[stepIndex(id)];
  if (!step) throw new Error(`The wizard has no step "${id}": add it to webview/wizard/steps/stepList.ts.`);
  return step;
}
