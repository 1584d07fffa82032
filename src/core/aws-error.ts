/**
 * Errors of the AWS-compatible endpoints, named by the AWS error type a client's SDK turns into its exception
 * (`x-amzn-ErrorType`). The core knows no HTTP: src/http/aws-errors.ts maps each type to its status.
 */
export type AwsErrorType =
  | 'ValidationError'
  | 'ResourceNotFound'
  | 'AccessForbidden'
  | 'AccessDeniedException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'UnknownOperationException'
  | 'ThrottlingException'
  | 'InternalFailure'
  | 'ServiceUnavailable';

export class AwsError extends Error {
  constructor(
    readonly type: AwsErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const awsValidationError = (message: string) => new AwsError('ValidationError', message);
