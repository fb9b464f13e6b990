/**
 * What the progress notification of a migration running in this window says. Pure: the
 * notification (progressNotification.ts) only reports these steps.
 */
import { isTerminal, stateOf, type Migration } from '../../core/model';
import { formatBytes } from '../../core/format';
import { percentCopied, postDataText, progressText } from '../../core/progress';

export interface NoticeStep {
  message: string;
  /** How far the bar moves now (VS Code's bar only adds up). */
  increment: number;
  /** Where the bar stands after this step. */
  percent: number;
  /** The copy is over or the migration ended or waits for the user: the notification closes. */
  done: boolean;
}

/** The next step from the model, the bar standing at `shown` percent. */
export function noticeStep(m: Migration, shown: number): NoticeStep {
  const p = m.progress;
  const percent = p ? Math.max(shown, percentCopied(p)) : shown;
  const state = stateOf(m);
  const done = isTerminal(m) || state === 'WaitingForUserAction';
  let message: string;
  if (done) message = state;
  else if (!p) message = m.currentStatus?.currentSubStateDetails?.currentSubState ?? 'Starting';
  else if (p.bytesCopied < p.bytesTotal) message = progressText(p);
  else message = [`${formatBytes(p.bytesTotal)} copied`, postDataText(p)].filter(Boolean).join(' · ');
  return { message, increment: percent - shown, percent, done };
}
