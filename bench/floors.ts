/**
 * Floors: whether a goal can be met at all, from the figures of one run (bench/run.ts prints them in the goal table).
 * A floor adds up only the parts of synth that no change to serialization or rendering can remove — creating the
 * constructs (the `construct` kind: load + validate + every construct, nothing serialized), Node's start-up with our
 * bundle (`run-bundled.mjs synth --help`) and the fastest correct emitter's cost of the same objects (the bound) —
 * and ignores everything else synth does. If even that sum is over the goal's limit, the goal is out of reach while
 * the objects are built through the construct layer; if it is under, the goal is reachable, not met.
 */

/** One figure of a floor: its name as the table prints it and its CPU time. */
export interface Term {
  readonly name: string;
  readonly ms: number;
}

/** A floor: the terms that add up to it, and the limit it must not exceed for the goal to be reachable. */
export interface Floor {
  readonly terms: readonly Term[];
  readonly limit: {
    /** How the limit is computed, e.g. "2 × 182 ms". */
    readonly text: string;
    readonly ms: number;
    /** The limit is a lower bound of the real one (a peer stopped at its CPU cap). */
    readonly lowerBound?: boolean;
  };
}

/** The measured cell and the verdict of a floor: "reachable" when the sum is within the limit, else "out of reach: …". */
export function floorVerdict(floor: Floor): { measured: string; verdict: string } {
  const total = floor.terms.reduce((sum, term) => sum + term.ms, 0);
  const sum = floor.terms.length === 1 ? fmtMs(total) : `${floor.terms.map((t) => `${fmtMs(t.ms)} (${t.name})`).join(' + ')} = ${fmtMs(total)}`;
  const limit = `${floor.limit.lowerBound ? '> ' : ''}${floor.limit.text}${floor.limit.text === fmtMs(floor.limit.ms) ? '' : ` = ${floor.limit.lowerBound ? '> ' : ''}${fmtMs(floor.limit.ms)}`}`;
  const measured = `${sum} vs ${limit}`;
  if (total <= floor.limit.ms) return { measured, verdict: 'reachable' };
  // Over a lower bound of the limit says nothing: the real limit may be higher.
  if (floor.limit.lowerBound) return { measured, verdict: 'not decided (the peer was stopped at its cap: its figure is a lower bound)' };
  // Two figures that round to the same millisecond are printed to a tenth, so that the verdict reads as computed.
  const close = Math.round(total) === Math.round(floor.limit.ms);
  const ms = (x: number) => (close && x < 10_000 ? `${x.toFixed(1)} ms` : fmtMs(x));
  return { measured, verdict: `**out of reach**: ${ms(total)} > ${ms(floor.limit.ms)}` };
}

/**
 * The floor of "synth CPU ≤ 2× the fastest emitter": creating the constructs + the bound ≤ 2 × the bound, i.e. the
 * goal can be met only if creating the constructs costs no more than serializing their objects.
 */
export function emitterGoalFloor(constructMs: number, bound: { readonly id: string; readonly cpuMs: number }): Floor {
  return {
    terms: [
      { name: 'creating the constructs', ms: constructMs },
      { name: `${bound.id}, the bound`, ms: bound.cpuMs },
    ],
    limit: { text: `2 × ${fmtMs(bound.cpuMs)}`, ms: 2 * bound.cpuMs },
  };
}

/**
 * The floor of "≥ 3× faster than `helm template`", whole process to whole process: start-up + creating the
 * constructs + the bound ≤ Helm's CPU / 3.
 */
export function helmGoalFloor(
  startupMs: number,
  constructMs: number,
  bound: { readonly id: string; readonly cpuMs: number },
  helm: { readonly cpuMs: number; readonly lowerBound?: boolean },
): Floor {
  return {
    terms: [
      { name: 'start-up', ms: startupMs },
      { name: 'creating the constructs', ms: constructMs },
      { name: `${bound.id}, the bound`, ms: bound.cpuMs },
    ],
    limit: { text: `${fmtMs(helm.cpuMs)} (Helm) / 3`, ms: helm.cpuMs / 3, ...(helm.lowerBound ? { lowerBound: true } : {}) },
  };
}

/** Milliseconds as the bench's tables print them: whole milliseconds below 10 s, tenths of seconds above. */
export function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
