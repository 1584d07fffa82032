/**
 * Which view versions have a SageMaker sink. Stored versions never change, so an answer is kept for good; a view
 * that cannot be found is not cached (pass a catalog that does not cache "latest", so "deleted" is current).
 */
import { EddyError, ErrorCode } from '../../core/errors.js';
import type { CompiledView, FeatureView } from '../../core/feature-view.js';
import { sinkOf } from '../../core/sagemaker-feature-group.js';
import type { SageMakerSink } from '../../core/sagemaker-record.js';
import type { ViewCatalog } from '../view-catalog.js';

export interface SinkTarget {
  view: FeatureView;
  compiled: CompiledView;
  sink: SageMakerSink;
}

/** The sink of a view version; null when the version has none, or the view or version does not exist (any more). */
export type SinkLookup = (view: string, version: number) => Promise<SinkTarget | null>;

export function sinkLookup(catalog: ViewCatalog): SinkLookup {
  const known = new Map<string, SinkTarget | null>();
  return async (name, version) => {
    const key = `${name}@${version}`;
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    try {
      const { view, compiled } = await catalog.get(name, version);
      const sink = sinkOf(view);
      const target = sink ? { view, compiled, sink } : null;
      known.set(key, target);
      return target;
    } catch (err) {
      if (
        err instanceof EddyError &&
        (err.code === ErrorCode.FEATURE_VIEW_NOT_FOUND || err.code === ErrorCode.VERSION_NOT_FOUND)
      )
        return null;
      throw err;
    }
  };
}
