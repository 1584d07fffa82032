/**
 * Kinesis's wire protocol (the SDK's own AwsJson1_1Protocol, given to the client as its `protocol`) with a lighter
 * reader for the one response that carries the stream: GetRecords.
 *
 * The SDK reads every response by walking the output schema value by value: for a page of 10,000 readings that is
 * a schema lookup per field, a base64 pattern check and a buffer per Data, and a second object per record. In the
 * Kinesis bench that was about a fifth of Eddy's CPU, on a machine where kinesalite needs the cores too. This
 * reader builds the same GetRecordsOutput from the parsed JSON directly:
 *
 * - every record's Data is a view into one buffer holding the page's payloads back to back, in record order
 *   (record-columns.ts then takes that buffer whole, without a copy);
 * - ApproximateArrivalTimestamp (epoch seconds on the wire) is a Date, as the SDK gives it;
 * - SequenceNumber, PartitionKey, EncryptionType, NextShardIterator, MillisBehindLatest and ChildShards are taken
 *   as they are (JSON strings, numbers and plain objects; the SDK transforms none of them); other fields are
 *   dropped, as the SDK drops them. Records is [] when the body has none (the output type promises a list).
 *
 * A Data that is not base64 (it decodes to fewer bytes than its length promises), a record without SequenceNumber
 * or Data, or a body that is not an object fails the call with a SerializationError, as the SDK fails it. Error
 * responses and every other operation go through the SDK's own path unchanged (test/integration/
 * get-records-protocol.test.ts holds both protocols to the same output).
 */
import type { _Record, ChildShard, GetRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { AwsJson1_1Protocol } from '@aws-sdk/core/protocols';
import { collectBody } from '@smithy/core/protocols';
import type {
  HandlerExecutionContext,
  HttpResponse as IHttpResponse,
  MetadataBearer,
  OperationSchema,
  SerdeFunctions,
} from '@smithy/types';

type GetRecordsOutput = Omit<GetRecordsCommandOutput, '$metadata'>;

export class KinesisProtocol extends AwsJson1_1Protocol {
  override async deserializeResponse<Output extends MetadataBearer>(
    operationSchema: OperationSchema,
    context: HandlerExecutionContext & SerdeFunctions,
    response: IHttpResponse,
  ): Promise<Output> {
    if (operationSchema.name !== 'GetRecords' || response.statusCode >= 300)
      return super.deserializeResponse<Output>(operationSchema, context, response);
    // Header names in lower case, as the SDK's own reader leaves them (its metadata reads them so).
    for (const name of Object.keys(response.headers)) {
      const value = response.headers[name]!;
      delete response.headers[name];
      response.headers[name.toLowerCase()] = value;
    }
    const bytes = await collectBody(response.body, context);
    const output = readGetRecords(bytes.byteLength === 0 ? {} : JSON.parse(utf8(bytes)));
    return { ...output, $metadata: this.deserializeMetadata(response) } as unknown as Output;
  }
}

const utf8 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

class SerializationError extends Error {
  override name = 'SerializationError';
}

/** A GetRecords response body (parsed JSON) as the SDK's output shape; see the file comment. */
function readGetRecords(body: unknown): GetRecordsOutput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SerializationError('GetRecords: body is not an object');
  const wire = body as Record<string, unknown>;
  const out: GetRecordsOutput = { Records: [] };
  if (typeof wire.NextShardIterator === 'string') out.NextShardIterator = wire.NextShardIterator;
  if (typeof wire.MillisBehindLatest === 'number') out.MillisBehindLatest = wire.MillisBehindLatest;
  if (Array.isArray(wire.ChildShards)) out.ChildShards = wire.ChildShards as ChildShard[];
  if (wire.Records === undefined || wire.Records === null) return out;
  if (!Array.isArray(wire.Records)) throw new SerializationError('GetRecords: Records is not a list');
  const rows = wire.Records as Record<string, unknown>[];
  const lengths = rows.map((r) => {
    if (typeof r?.Data !== 'string' || typeof r.SequenceNumber !== 'string')
      throw new SerializationError('GetRecords: a record has no SequenceNumber or Data');
    const length = base64Length(r.Data);
    if (length < 0) throw new SerializationError('GetRecords: a record Data is not base64');
    return length;
  });
  const data = Buffer.allocUnsafe(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  out.Records = rows.map((r, i) => {
    const length = lengths[i]!;
    if (data.write(r.Data as string, at, length, 'base64') !== length)
      throw new SerializationError('GetRecords: a record Data is not base64');
    const record: _Record = {
      SequenceNumber: r.SequenceNumber as string,
      Data: data.subarray(at, at + length),
      PartitionKey: typeof r.PartitionKey === 'string' ? r.PartitionKey : '',
    };
    at += length;
    const arrival = r.ApproximateArrivalTimestamp;
    if (typeof arrival === 'number' || typeof arrival === 'string')
      record.ApproximateArrivalTimestamp = new Date(Math.round(Number(arrival) * 1000));
    if (typeof r.EncryptionType === 'string')
      record.EncryptionType = r.EncryptionType as _Record['EncryptionType'];
    return record;
  });
  return out;
}

/**
 * Bytes a base64 text decodes to (padded or not). Node's decoder skips a character outside the alphabet, so a
 * damaged text decodes to fewer bytes than this, and `readGetRecords` refuses it. (The decoder also takes the
 * URL-safe alphabet, `-` and `_`; Kinesis never sends them.)
 */
function base64Length(text: string): number {
  if (text.length % 4 === 1) return -1;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - pad;
}
