/**
 * The JSON of online reads, written by hand because it is the hot path: the bulk of a response is numbers, and
 * formatting them costs more than the rest of a read. Values objects are memoized by the read path per entity
 * state and tile (services/read-features.ts), so their JSON is memoized by object identity too: an entity read
 * again before its state or tile changes costs no number formatting.
 *
 * The output is exactly `JSON.stringify` of the same object, in the shapes the OpenAPI document gives
 * (`EntityResult`, `OnlineFeatures`); values are finite numbers or null.
 */
import type { EntityResult, OnlineFeatures } from '../services/read-features.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const valuesJson = new WeakMap<EntityResult['values'], string>();

export function entityResultJson(r: EntityResult): string {
  let values = valuesJson.get(r.values);
  if (values === undefined) {
    values = JSON.stringify(r.values);
    valuesJson.set(r.values, values);
  }
  return `{"entity":${JSON.stringify(r.entity)},"status":${JSON.stringify(r.status)},"eventTime":${JSON.stringify(r.eventTime)},"values":${values}}`;
}

export function onlineFeaturesJson(o: OnlineFeatures): string {
  return `{"featureView":${JSON.stringify(o.featureView)},"version":${JSON.stringify(o.version)},"results":[${o.results.map(entityResultJson).join(',')}]}`;
}
