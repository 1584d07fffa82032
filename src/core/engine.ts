// Placeholder signatures; the engine helper replaces this file.
import type { ApplyOutcome, EngineEvent } from './event.js';
import type { CompiledFeature, CompiledView } from './feature-view.js';

export type EntityState = Record<string, unknown>;
export type FeatureValues = Record<string, number | null>;

export declare function newEntityState(): EntityState;
export declare function applyEvents(
  view: CompiledView,
  state: EntityState,
  events: readonly EngineEvent[],
): ApplyOutcome;
export declare function evaluate(
  view: CompiledView,
  state: EntityState,
  asOfMs: number,
  features?: readonly CompiledFeature[],
): FeatureValues;
export declare function watermarkOf(state: EntityState): number | null;
