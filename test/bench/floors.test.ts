import { describe, expect, it } from 'vitest';
import { emitterGoalFloor, floorVerdict, fmtMs, helmGoalFloor } from '../../bench/floors.js';

/**
 * The floors of the goal table (bench/floors.ts): whether a goal can be met at all, computed from a run's figures.
 * Figures here are made up on both sides of each line; nothing is timed.
 */

describe('the floor of "synth ≤ 2× the fastest emitter": creating the constructs + the bound ≤ 2 × the bound', () => {
  const bound = { id: 'js-yaml', cpuMs: 190 };

  it('is reachable when creating the constructs costs less than the bound', () => {
    expect(floorVerdict(emitterGoalFloor(180, bound))).toEqual({
      measured: '180 ms (creating the constructs) + 190 ms (js-yaml, the bound) = 370 ms vs 2 × 190 ms = 380 ms',
      verdict: 'reachable',
    });
  });

  it('is reachable at exactly the bound (the goal is ≤)', () => {
    expect(floorVerdict(emitterGoalFloor(190, bound)).verdict).toBe('reachable');
  });

  it('is out of reach when creating the constructs costs more than the bound, with the numbers', () => {
    expect(floorVerdict(emitterGoalFloor(1030, { id: 'render', cpuMs: 900 }))).toEqual({
      measured: '1030 ms (creating the constructs) + 900 ms (render, the bound) = 1930 ms vs 2 × 900 ms = 1800 ms',
      verdict: '**out of reach**: 1930 ms > 1800 ms',
    });
  });

  it('prints a tenth of a millisecond when both sides round to the same figure', () => {
    expect(floorVerdict(emitterGoalFloor(190.4, bound)).verdict).toBe('**out of reach**: 380.4 ms > 380.0 ms');
  });
});

describe('the floor of "≥ 3× faster than helm template": start-up + creating the constructs + the bound ≤ Helm / 3', () => {
  const bound = { id: 'js-yaml', cpuMs: 190 };

  it('is out of reach at the figures the coordinator measured at ×1 (125 + 180 + 190 against 850 / 3)', () => {
    expect(floorVerdict(helmGoalFloor(125, 180, bound, { cpuMs: 850 }))).toEqual({
      measured: '125 ms (start-up) + 180 ms (creating the constructs) + 190 ms (js-yaml, the bound) = 495 ms vs 850 ms (Helm) / 3 = 283 ms',
      verdict: '**out of reach**: 495 ms > 283 ms',
    });
  });

  it('is reachable when the three add up to no more than a third of Helm', () => {
    expect(floorVerdict(helmGoalFloor(125, 180, bound, { cpuMs: 1500 })).verdict).toBe('reachable');
    expect(floorVerdict(helmGoalFloor(100, 200, { id: 'js-yaml', cpuMs: 200 }, { cpuMs: 1500 })).verdict).toBe('reachable');
  });

  it('is not decided when Helm was stopped at its cap and the floor is over a third of what it had used', () => {
    const floor = helmGoalFloor(125, 1000, { id: 'js-yaml', cpuMs: 900 }, { cpuMs: 5000, lowerBound: true });
    expect(floorVerdict(floor)).toEqual({
      measured: '125 ms (start-up) + 1000 ms (creating the constructs) + 900 ms (js-yaml, the bound) = 2025 ms vs > 5000 ms (Helm) / 3 = > 1667 ms',
      verdict: 'not decided (the peer was stopped at its cap: its figure is a lower bound)',
    });
  });

  it('is reachable when Helm was stopped at its cap and the floor is within a third of what it had used already', () => {
    expect(floorVerdict(helmGoalFloor(125, 700, { id: 'js-yaml', cpuMs: 900 }, { cpuMs: 14_100, lowerBound: true })).verdict).toBe('reachable');
  });
});

describe('fmtMs', () => {
  it('prints whole milliseconds below 10 s and tenths of seconds above', () => {
    expect(fmtMs(182.4)).toBe('182 ms');
    expect(fmtMs(9999)).toBe('9999 ms');
    expect(fmtMs(14_100)).toBe('14.1 s');
  });
});
