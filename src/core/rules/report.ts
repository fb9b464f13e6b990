/** Validation results as plain text, for the CLI and the log: failures first, then warnings. */
import { formatDuration } from '../format';
import type { ValidationDetails, ValidationSummaryItem } from '../model';

const MARK: Record<string, string> = { Succeeded: 'ok  ', Warning: 'warn', Failed: 'FAIL' };
const ORDER: Record<string, number> = { Failed: 0, Warning: 1, Succeeded: 2 };

function lines(it: ValidationSummaryItem, indent: string, verbose: boolean): string[] {
  const code = it.code ? ` [${it.code}]` : '';
  const out = [`${indent}${MARK[String(it.state)] ?? String(it.state)}  ${it.type}${code}`];
  for (const m of it.messages ?? []) {
    if (!verbose && m.state === 'Succeeded' && it.state !== 'Succeeded') continue;
    if (verbose || it.state !== 'Succeeded') out.push(`${indent}      ${m.message}`);
  }
  if (it.correctiveAction) out.push(`${indent}      Fix: ${it.correctiveAction}`);
  return out;
}

const byState = (a: ValidationSummaryItem, b: ValidationSummaryItem): number => (ORDER[String(a.state)] ?? 0) - (ORDER[String(b.state)] ?? 0);

/**
 * One block of text: a headline with the overall state and duration, then each rule. Passing
 * rules are one line each unless `verbose`; failing ones carry their messages and fix.
 */
export function formatValidationText(d: ValidationDetails, opts: { verbose?: boolean } = {}): string {
  const verbose = !!opts.verbose;
  const start = Date.parse(d.validationStartTimeInUtc ?? '');
  const end = Date.parse(d.validationEndTimeInUtc ?? '');
  const ms = end - start;
  // Validation usually takes a second or two: tenths matter there.
  const took = Number.isFinite(ms) && ms >= 0 ? ` in ${ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms)}` : '';
  const all = [...(d.serverLevelValidationDetails ?? []), ...(d.dbLevelValidationDetails ?? []).flatMap((x) => x.summary)];
  const count = (s: string) => all.filter((i) => i.state === s).length;
  const out = [`Validation ${d.status ?? 'Unknown'}${took}: ${count('Failed')} failed, ${count('Warning')} warnings, ${count('Succeeded')} succeeded.`];
  out.push('Server:');
  for (const it of [...(d.serverLevelValidationDetails ?? [])].sort(byState)) out.push(...lines(it, '  ', verbose));
  for (const db of d.dbLevelValidationDetails ?? []) {
    out.push(`Database ${db.databaseName}:`);
    for (const it of [...db.summary].sort(byState)) out.push(...lines(it, '  ', verbose));
  }
  return out.join('\n');
}
