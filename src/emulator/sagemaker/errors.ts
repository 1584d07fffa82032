/**
 * Error types the emulator returns, with the status AWS uses for each. The SDK reads the type from the
 * `x-amzn-errortype` header and names its exception after it (`err.name === 'ResourceNotFound'`).
 * `ThrottlingException` is not in the service model: the SDK surfaces it as a generic service exception with that
 * name, and its retry strategy treats it as throttling.
 */
export const ErrorStatus = {
  ValidationError: 400,
  ThrottlingException: 400,
  AccessForbidden: 403,
  ResourceNotFound: 404,
  UnknownOperationException: 404,
  InternalFailure: 500,
  ServiceUnavailable: 503,
} as const;
export type ErrorType = keyof typeof ErrorStatus;

export class EmulatorError extends Error {
  readonly status: number;
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
    this.status = ErrorStatus[type];
  }
}

export const validationError = (message: string) => new EmulatorError('ValidationError', message);

export const featureGroupNotFound = (name: string) =>
  new EmulatorError('ResourceNotFound', `Resource Not Found: FeatureGroup '${name}' does not exist.`);
