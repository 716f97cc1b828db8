/** Stage times of one cut, gathered from the workers that ran its steps. */
import type { Stage, StageTimings } from './pipeline.ts';

/** Two records of stage times summed, stage by stage (a stage may run in both, e.g. preprocess for a second model). */
export function addTimings(a: StageTimings, b: StageTimings): StageTimings {
  const sum: StageTimings = { ...a };
  for (const [stage, ms] of Object.entries(b) as [Stage, number][]) sum[stage] = (sum[stage] ?? 0) + ms;
  return sum;
}
