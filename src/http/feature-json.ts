/**
 * The JSON of online reads, written by hand because it is the hot path: the bulk of a response is numbers, and
 * formatting them costs more than the rest of a read. Values objects are memoized by the read path per entity
 * state and tile (services/read-features.ts), so a result's JSON is memoized by its values object too (checked
 * against the entity, status and event time it was written for): an entity read again before its state or tile
 * changes costs no formatting at all.
 *
 * The output is exactly `JSON.stringify` of the same object, in the shapes the OpenAPI document gives
 * (`EntityResult`, `OnlineFeatures`); values are finite numbers or null.
 */
import type { EntityResult, OnlineFeatures } from '../services/read-features.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Per values object: the JSON of the last result that carried it (an entity's memoized values go with it). */
const resultJson = new WeakMap<EntityResult['values'], { r: EntityResult; json: string }>();

export function entityResultJson(r: EntityResult): string {
  const last = resultJson.get(r.values);
  if (last && last.r.entity === r.entity && last.r.status === r.status && last.r.eventTime === r.eventTime)
    return last.json;
  const json = `{"entity":${JSON.stringify(r.entity)},"status":${JSON.stringify(r.status)},"eventTime":${JSON.stringify(r.eventTime)},"values":${JSON.stringify(r.values)}}`;
  resultJson.set(r.values, {
    r: { entity: r.entity, status: r.status, eventTime: r.eventTime, values: r.values },
    json,
  });
  return json;
}

export function onlineFeaturesJson(o: OnlineFeatures): string {
  return `{"featureView":${JSON.stringify(o.featureView)},"version":${JSON.stringify(o.version)},"results":[${o.results.map(entityResultJson).join(',')}]}`;
}
