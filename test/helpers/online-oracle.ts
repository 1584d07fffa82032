/** The oracle per entity for a set of expected events, and comparing every online value (asOf latest) with it. */
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../src/core/event.js';
import type { CompiledView } from '../../src/core/feature-view.js';
import type { App } from '../../src/http/app.js';
import { agreesFeature, Oracle } from './oracle.js';

/** One oracle per entity fed with its events (in arrival order), and the outcomes they add up to. */
export function oraclesFor(view: CompiledView, byEntity: ReadonlyMap<string, readonly EngineEvent[]>) {
  const counts = { accepted: 0, late: 0, duplicate: 0 };
  const oracles = new Map<string, Oracle>();
  for (const [entity, events] of byEntity) {
    const oracle = new Oracle(view);
    const o = oracle.apply(events);
    counts.accepted += o.accepted;
    counts.late += o.late;
    counts.duplicate += o.duplicate;
    oracles.set(entity, oracle);
  }
  return { oracles, counts };
}

/** Every entity's online values as of its watermark equal its oracle's (within docs/semantics.md#numbers). */
export async function assertOnlineEqualsOracles(
  app: App,
  view: CompiledView,
  oracles: ReadonlyMap<string, Oracle>,
): Promise<void> {
  const entities = [...oracles.keys()];
  for (let i = 0; i < entities.length; i += 1000) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/online-features',
      payload: { featureView: view.name, entities: entities.slice(i, i + 1000), asOf: 'latest' },
    });
    assert.equal(res.statusCode, 200, res.body);
    for (const r of res.json().results as {
      entity: string;
      status: string;
      eventTime: string;
      values: Record<string, number | null>;
    }[]) {
      const oracle = oracles.get(r.entity)!;
      assert.equal(r.status, 'PRESENT', r.entity);
      const at = oracle.watermarkMs!;
      assert.equal(r.eventTime, new Date(at).toISOString(), r.entity);
      for (const f of view.features) {
        const want = oracle.value(f, at, 'exact');
        const got = r.values[f.name] ?? null;
        assert.ok(
          agreesFeature(f, got, want, oracle.windowEvents(f, at, 'exact')),
          `${view.name} ${r.entity} ${f.name}: got ${got}, oracle ${want}`,
        );
      }
    }
  }
}
