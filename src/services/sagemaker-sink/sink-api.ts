import type { SinkDeadLetterPage } from '../../ports/sagemaker-sink-store.js';
import type { SinkReplayResult } from './sink-dead-letters.js';
import type { SinkState } from './sink-state.js';

/** The SageMaker sink as the HTTP routes see it. */
export interface SageMakerSinkApi {
  state(view: string, version?: number): Promise<SinkState>;
  listDeadLetters(view: string, limit: number, after?: string): Promise<SinkDeadLetterPage>;
  replayDeadLetters(view: string, request: { ids?: string[]; limit?: number }): Promise<SinkReplayResult>;
}
