import { Type } from 'typebox';

export const JobIdParam = Type.String({ format: 'uuid', description: 'Job id (from the 202 answer)' });

export const UploadSchema = Type.Object({
  id: Type.String({ description: 'Upload id: use it as `spine.upload` or `events.upload`' }),
  format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')]),
  rows: Type.Integer({ description: 'Data lines (CSV: after the header)' }),
  bytes: Type.Integer({
    description: 'Bytes of the stored lines, one LF each (CRs and blank lines dropped)',
  }),
  header: Type.Optional(Type.Array(Type.String())),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const JobSchema = Type.Object({
  id: Type.String(),
  featureView: Type.String(),
  version: Type.Integer(),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  boundary: Type.Union([Type.Literal('inclusive'), Type.Literal('exclusive')]),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expiresAt: Type.String({ format: 'date-time', description: 'When the job and its result are deleted' }),
  progress: Type.Object({
    eventsRead: Type.Integer({ description: 'Records read from the events source in the current pass' }),
    eventsRejected: Type.Integer({ description: 'Records not valid for the view (skipped)' }),
    rowsWritten: Type.Integer(),
    partitions: Type.Integer({ description: 'Entity partitions (memory bound); each reads the events once' }),
    partition: Type.Integer(),
    sources: Type.Record(Type.String(), Type.Integer(), { description: 'Records read per source' }),
  }),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  links: Type.Object({ self: Type.String(), result: Type.String() }),
});
