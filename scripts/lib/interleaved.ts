/**
 * Old against new code, timed interleaved: each run times both, and which goes first swaps
 * every run, so a change in the machine's load hits both alike. Their outputs must be the
 * very same values (the speed work this measures keeps the output bits), or it throws.
 * Plain code without Node imports: the timing scripts' page halves use it in Chromium too.
 */
export function interleaved(runs: number, old: () => ArrayLike<number>, now: () => ArrayLike<number>, what = 'the outputs'): { old: number[]; now: number[] } {
  const times = { old: [] as number[], now: [] as number[] };
  const timed = (f: () => ArrayLike<number>, into: number[]) => {
    const started = performance.now();
    const out = f();
    into.push(performance.now() - started);
    return out;
  };
  for (let run = 0; run < runs; run++) {
    let a!: ArrayLike<number>, b!: ArrayLike<number>;
    const timeOld = () => (a = timed(old, times.old));
    const timeNew = () => (b = timed(now, times.now));
    if (run % 2) { timeOld(); timeNew(); } else { timeNew(); timeOld(); }
    if (!sameValues(a, b)) throw new Error(`${what} differ`);
  }
  return times;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
