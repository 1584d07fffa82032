import { featureGroupNotFound, validationError } from './errors.js';
import { parseEventTimeFeature, ttlMs } from './event-time.js';
import type { FeatureGroupDefinition, TtlDuration } from './feature-group.js';

/** AWS `FeatureValue`: exactly one of the two values is set. */
export interface FeatureValue {
  FeatureName: string;
  ValueAsString?: string;
  ValueAsStringList?: string[];
}

export type TargetStore = 'OnlineStore' | 'OfflineStore';
export type DeletionMode = 'SoftDelete' | 'HardDelete';

/** A record as the online store serves it (what `GetRecord` would return, plus its keys). */
export interface OnlineRecord {
  recordIdentifier: string;
  /** The EventTime value as written. */
  eventTime: string;
  /** ISO-8601 UTC, present when the record has a TTL. */
  expiresAt?: string;
  record: FeatureValue[];
}

interface Entry {
  eventTime: string;
  /** Parsed EventTime, epoch ms UTC; orders writes. */
  eventTimeMs: number;
  /** undefined marks a soft-deleted record: invisible, but its EventTime still orders later writes. */
  features?: FeatureValue[];
  expiresAtMs?: number;
}

interface Group {
  definition: FeatureGroupDefinition;
  entries: Map<string, Entry>;
}

export interface PutOptions {
  targetStores?: readonly TargetStore[];
  ttlDuration?: TtlDuration;
}

/** Outcome of a write: `applied` is false when the online-store EventTime rule (or TargetStores) left it out. */
export interface WriteResult {
  recordIdentifier: string;
  applied: boolean;
}

/**
 * The online store: feature group -> record identifier -> latest record. A write whose EventTime is not strictly
 * newer than the stored one (live or soft-deleted) is ignored, as on AWS. Expired records (TTL) read as absent.
 * No offline store is kept. `now` is epoch ms.
 */
export class OnlineStore {
  readonly #groups = new Map<string, Group>();

  constructor(
    private readonly now: () => number,
    private readonly autoCreate?: FeatureGroupDefinition,
  ) {}

  /** Creates the group or replaces its definition; stored records are kept. */
  define(name: string, definition: FeatureGroupDefinition): void {
    const group = this.#groups.get(name);
    if (group) group.definition = definition;
    else this.#groups.set(name, { definition, entries: new Map() });
  }

  drop(name: string): boolean {
    return this.#groups.delete(name);
  }

  definitions(): Record<string, FeatureGroupDefinition> {
    return Object.fromEntries([...this.#groups].map(([name, g]) => [name, g.definition]));
  }

  definition(name: string): FeatureGroupDefinition {
    return this.#group(name).definition;
  }

  put(name: string, record: readonly FeatureValue[], options: PutOptions = {}): WriteResult {
    let group = this.#groups.get(name);
    if (!group && this.autoCreate) {
      group = { definition: this.autoCreate, entries: new Map() };
      this.#groups.set(name, group);
    }
    if (!group) throw featureGroupNotFound(name);
    const def = group.definition;
    const byName = new Map<string, FeatureValue>();
    for (const value of record) {
      if (byName.has(value.FeatureName))
        throw validationError(`Duplicate FeatureName '${value.FeatureName}' in Record`);
      if (def.featureNames && !def.featureNames.includes(value.FeatureName)) {
        throw validationError(`FeatureName '${value.FeatureName}' is not defined in FeatureGroup '${name}'`);
      }
      byName.set(value.FeatureName, value);
    }
    const recordIdentifier = requiredString(byName, def.recordIdentifierFeatureName, 'record identifier');
    const eventTime = requiredString(byName, def.eventTimeFeatureName, 'event time');
    const eventTimeMs = this.#parseEventTime(eventTime, def);
    if (options.targetStores && !options.targetStores.includes('OnlineStore')) {
      return { recordIdentifier, applied: false };
    }
    const current = this.#live(group, recordIdentifier);
    if (current && current.eventTimeMs >= eventTimeMs) return { recordIdentifier, applied: false };
    const ttl = options.ttlDuration ?? def.ttlDuration;
    group.entries.set(recordIdentifier, {
      eventTime,
      eventTimeMs,
      features: record.map(copyValue),
      ...(ttl ? { expiresAtMs: eventTimeMs + ttlMs(ttl) } : {}),
    });
    return { recordIdentifier, applied: true };
  }

  /** The visible record, optionally narrowed to `featureNames` (in stored order); undefined when absent. */
  get(name: string, recordIdentifier: string, featureNames?: readonly string[]): OnlineRecord | undefined {
    const group = this.#group(name);
    if (featureNames && group.definition.featureNames) {
      const unknown = featureNames.find((f) => !group.definition.featureNames?.includes(f));
      if (unknown) throw validationError(`FeatureName '${unknown}' is not defined in FeatureGroup '${name}'`);
    }
    const entry = this.#live(group, recordIdentifier);
    if (!entry?.features) return undefined;
    const features = featureNames
      ? entry.features.filter((f) => featureNames.includes(f.FeatureName))
      : entry.features;
    return toOnline(recordIdentifier, { ...entry, features });
  }

  /**
   * AWS DeleteRecord on the online store. The delete EventTime must be newer than the stored one, otherwise
   * SoftDelete is a no-op and HardDelete is a ValidationError. SoftDelete leaves a marker that keeps ordering.
   */
  delete(
    name: string,
    recordIdentifier: string,
    eventTime: string,
    mode: DeletionMode,
    targetStores?: readonly TargetStore[],
  ): WriteResult {
    const group = this.#group(name);
    const eventTimeMs = this.#parseEventTime(eventTime, group.definition);
    if (targetStores && !targetStores.includes('OnlineStore')) return { recordIdentifier, applied: false };
    const current = this.#live(group, recordIdentifier);
    const newer = !current || eventTimeMs > current.eventTimeMs;
    if (mode === 'HardDelete') {
      if (!newer)
        throw validationError(
          `EventTime ${eventTime} is not later than the EventTime of the existing record`,
        );
      group.entries.delete(recordIdentifier);
      return { recordIdentifier, applied: true };
    }
    if (!newer) return { recordIdentifier, applied: false };
    group.entries.set(recordIdentifier, { eventTime, eventTimeMs });
    return { recordIdentifier, applied: true };
  }

  /** Every visible record of the group, in write order of first insertion. */
  records(name: string): OnlineRecord[] {
    const group = this.#group(name);
    const out: OnlineRecord[] = [];
    for (const id of [...group.entries.keys()]) {
      const entry = this.#live(group, id);
      if (entry?.features) out.push(toOnline(id, entry));
    }
    return out;
  }

  #group(name: string): Group {
    const group = this.#groups.get(name);
    if (!group) throw featureGroupNotFound(name);
    return group;
  }

  /** The stored entry unless its TTL has passed (then it is removed, like AWS's TTL hard delete). */
  #live(group: Group, recordIdentifier: string): Entry | undefined {
    const entry = group.entries.get(recordIdentifier);
    if (entry?.expiresAtMs !== undefined && entry.expiresAtMs <= this.now()) {
      group.entries.delete(recordIdentifier);
      return undefined;
    }
    return entry;
  }

  #parseEventTime(value: string, def: FeatureGroupDefinition): number {
    const type = def.eventTimeFeatureType ?? 'String';
    const ms = parseEventTimeFeature(value, type);
    if (ms === undefined) {
      const expected =
        type === 'String' ? "ISO-8601 yyyy-MM-dd'T'HH:mm:ssZ or yyyy-MM-dd'T'HH:mm:ss.SSSZ" : 'Unix seconds';
      throw validationError(
        `Invalid EventTime '${value}' for feature '${def.eventTimeFeatureName}': expected ${expected}`,
      );
    }
    return ms;
  }
}

function requiredString(byName: Map<string, FeatureValue>, featureName: string, role: string): string {
  const value = byName.get(featureName)?.ValueAsString;
  if (value === undefined || value === '') {
    throw validationError(`Record is missing the ${role} feature '${featureName}' (as ValueAsString)`);
  }
  return value;
}

const copyValue = (v: FeatureValue): FeatureValue =>
  v.ValueAsStringList !== undefined
    ? { FeatureName: v.FeatureName, ValueAsStringList: [...v.ValueAsStringList] }
    : { FeatureName: v.FeatureName, ValueAsString: v.ValueAsString ?? '' };

function toOnline(recordIdentifier: string, entry: Entry): OnlineRecord {
  return {
    recordIdentifier,
    eventTime: entry.eventTime,
    ...(entry.expiresAtMs !== undefined ? { expiresAt: new Date(entry.expiresAtMs).toISOString() } : {}),
    record: (entry.features ?? []).map(copyValue),
  };
}
