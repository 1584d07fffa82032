export type { CallRecord, Operation } from './call-log.js';
export { EmulatorError, type ErrorType } from './errors.js';
export type { FaultKind, Faults, ServerErrorType } from './faults.js';
export type { EventTimeFeatureType, FeatureGroupDefinition, TtlDuration, TtlUnit } from './feature-group.js';
export {
  EMULATOR_HOST,
  type SageMakerEmulator,
  type SageMakerEmulatorOptions,
  startSageMakerEmulator,
} from './server.js';
export type { FeatureValue, OnlineRecord } from './store.js';
