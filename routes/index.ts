/** Every route, one operation per file. */
import type { FastifyInstance } from 'fastify';
import createFeatureView from './feature-views/create.js';
import deleteFeatureView from './feature-views/delete.js';
import getFeatureView from './feature-views/get.js';
import listFeatureViews from './feature-views/list.js';
import putFeatureView from './feature-views/put.js';
import cancelHistoricalJob from './historical/cancel-job.js';
import createHistoricalUpload from './historical/create-upload.js';
import getHistoricalJob from './historical/get-job.js';
import getHistoricalResult from './historical/get-result.js';
import startHistoricalJob from './historical/start-job.js';
import listDeadLetters from './ingest/dead-letters.js';
import firehose from './ingest/firehose.js';
import pushRecords from './ingest/push-records.js';
import replayDeadLetters from './ingest/replay-dead-letters.js';
import status from './ingest/status.js';
import health from './operations/health.js';
import metrics from './operations/metrics.js';
import listSageMakerDeadLetters from './sagemaker/dead-letters.js';
import replaySageMakerDeadLetters from './sagemaker/replay-dead-letters.js';
import sageMakerSinkState from './sagemaker/state.js';
import sagemakerRuntime from './sagemaker-runtime/index.js';
import entityEvents from './serving/entity-events.js';
import entityFeatures from './serving/entity-features.js';
import onlineFeatures from './serving/online-features.js';

const ROUTES = [
  createFeatureView,
  putFeatureView,
  getFeatureView,
  listFeatureViews,
  deleteFeatureView,
  pushRecords,
  firehose,
  status,
  listDeadLetters,
  replayDeadLetters,
  sageMakerSinkState,
  listSageMakerDeadLetters,
  replaySageMakerDeadLetters,
  onlineFeatures,
  entityFeatures,
  entityEvents,
  sagemakerRuntime,
  createHistoricalUpload,
  startHistoricalJob,
  getHistoricalJob,
  cancelHistoricalJob,
  getHistoricalResult,
  health,
  metrics,
];

/** The operations surface of a worker process: health, readiness, metrics (all open). */
const OPERATION_ROUTES = [health, metrics];

export async function registerOperationRoutes(app: FastifyInstance) {
  for (const route of OPERATION_ROUTES) route(app);
}

export async function registerRoutes(app: FastifyInstance) {
  for (const route of ROUTES) route(app);
}
