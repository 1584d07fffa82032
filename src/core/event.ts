/** A decoded, valid record of one entity, ready for the engine. */
export interface EngineEvent {
  /** Event time, epoch milliseconds (UTC). */
  t: number;
  /** Producer event id (from `eventIdField`), when the view has one and the record carries it. */
  id?: string;
  /** Finite numeric values of the view's fields that the record carries; a field absent here was absent or null. */
  values: Record<string, number>;
}

/** An event together with the entity it belongs to (entity ids are producer strings, at most 256 characters). */
export interface EntityEvent extends EngineEvent {
  entity: string;
}

/** What happened to the events of one entity in one batch (docs/semantics.md). */
export interface ApplyOutcome {
  accepted: number;
  late: number;
  duplicate: number;
}
