/**
 * What `npm run bench` runs at which scale, shared by the driver (bench/run.ts) and the worker that prepares each
 * scale's inputs (bench/measure.ts `prepare`, which writes only what that scale's contenders read). bench/README.md
 * ("The plan") gives the numbers behind these choices.
 */

/** Peers' outputs are parsed back and compared with ours (first round) up to this scale; above it that alone costs minutes. */
export const PEER_CHECK_MAX_FACTOR = 10;

/**
 * The emitters' outputs are read back (the `yaml` parser, object by object) at ×1 only: at ×10 that costs ~13 s of
 * CPU per emitter, and the emitters' code and the kinds of objects are the same at every scale.
 */
export const EMITTER_CHECK_MAX_FACTOR = 1;

/** `yaml`'s stringify, which no goal names, runs every round at ×1, one round up to this scale, not above. */
export const INFORMATIONAL_MAX_FACTOR = 10;

/**
 * `cdk8s synth`, which no goal names, runs up to this scale: at ×10 it is stopped at the cap anyway (5× ours when it
 * ran to the end: 23 s of CPU), so a ×10 round said no more than "> 4×" for ~20 s of the five minutes.
 */
export const CDK8S_MAX_FACTOR = 1;

/**
 * From this scale up, a peer's run is stopped once its processes have used CAP_FACTOR × our whole process's median
 * CPU time at that scale (so far): its goal (≥ 3× faster than the peer) is decided by then, and its figure becomes a
 * lower bound, "> X s". At ×1 every peer runs to the end, so every peer's output is checked there.
 */
export const CAP_MIN_FACTOR = 10;
export const CAP_FACTOR = 4;

/**
 * Runs of our start-up (`node infra/cli/run-bundled.mjs synth --help`, a few tens of milliseconds; at ×1 only, spread
 * over its rounds: ⌈STARTUP_RUNS / rounds⌉ per round).
 */
export const STARTUP_RUNS = 5;
