/**
 * SageMaker Feature Store runtime reads (`GetRecord`, `BatchGetRecord`) answered from Eddy's online store: the
 * group's view is read through the same read service as Eddy's own reads (services/read-features.ts) at
 * `asOf=now`, and each present entity becomes the record the SageMaker sink would write
 * (core/feature-group-record.ts). An unknown group is `ResourceNotFound`; an absent record is simply not there.
 */
import { AwsError } from '../../core/aws-error.js';
import { MAX_ID_LENGTH } from '../../core/decode-record.js';
import { featureGroupOf, featureGroupRecord, viewFeaturesFor } from '../../core/feature-group-record.js';
import type { FeatureView } from '../../core/feature-view.js';
import type { FeatureValueString, SageMakerSink } from '../../core/sagemaker-record.js';
import { type ReadDeps, readOnlineFeatures } from '../read-features.js';
import type { FeatureGroupIndex } from './feature-group-index.js';

export interface RuntimeReadDeps extends ReadDeps {
  featureGroups: FeatureGroupIndex;
}

export interface RecordRequest {
  featureGroupName: string;
  recordIdentifiers: readonly string[];
  featureNames?: readonly string[];
}

/** One identifier's records, in request order; null where the record is absent. */
export async function readRecords(
  deps: RuntimeReadDeps,
  req: RecordRequest,
): Promise<(FeatureValueString[] | null)[]> {
  const viewName = await deps.featureGroups.viewFor(req.featureGroupName);
  if (viewName === null) throw featureGroupNotFound(req.featureGroupName);
  const { view } = await deps.catalog.get(viewName);
  const { group, featureOrder } = planOf(view);
  const features = viewFeaturesFor(group, featureOrder, req.featureNames);
  // Ids no entity can have (Eddy's ids are 1..256 code units) are absent without a read.
  const readable = req.recordIdentifiers.every(isEntityId)
    ? req.recordIdentifiers
    : req.recordIdentifiers.filter(isEntityId);
  const out = await readOnlineFeatures(deps, {
    featureView: view.name,
    version: view.version,
    entities: readable,
    // A filter of only the identifier and the event time still needs the entity: read every feature then.
    features: features && features.length > 0 ? features : undefined,
    asOf: 'now',
  });
  // Results come in the order of `readable`: by position when every id was readable, else by id.
  const found = readable === req.recordIdentifiers ? null : new Map(out.results.map((r) => [r.entity, r]));
  const namesKey = req.featureNames ? req.featureNames.join(',') : '*';
  return req.recordIdentifiers.map((id, i) => {
    const r = found ? found.get(id) : out.results[i];
    if (r?.status !== 'PRESENT' || r.eventTime === null) return null;
    // The read path memoizes values objects per entity state and tile: so is the record made from one.
    const memo = records.get(r.values);
    if (
      memo?.group === group &&
      memo.id === id &&
      memo.eventTime === r.eventTime &&
      memo.namesKey === namesKey
    ) {
      return memo.record;
    }
    const record = featureGroupRecord(
      group,
      id,
      Date.parse(r.eventTime),
      featureOrder,
      r.values,
      req.featureNames,
    );
    records.set(r.values, { group, id, eventTime: r.eventTime, namesKey, record });
    return record;
  });
}

/** What a view version answers as: its group and its features in record order, derived once per version. */
interface GroupPlan {
  group: SageMakerSink;
  featureOrder: string[];
}
const plans = new WeakMap<FeatureView, GroupPlan>();

function planOf(view: FeatureView): GroupPlan {
  let plan = plans.get(view);
  if (!plan) {
    plan = { group: featureGroupOf(view), featureOrder: view.features.map((f) => f.name) };
    plans.set(view, plan);
  }
  return plan;
}

/** The last record made from each values object, with what it was made for (dropped with the values). */
const records = new WeakMap<
  object,
  { group: SageMakerSink; id: string; eventTime: string; namesKey: string; record: FeatureValueString[] }
>();

const isEntityId = (id: string) => id.length > 0 && id.length <= MAX_ID_LENGTH;

export const featureGroupNotFound = (name: string) =>
  new AwsError('ResourceNotFound', `Resource Not Found: FeatureGroup '${name}' does not exist.`);
