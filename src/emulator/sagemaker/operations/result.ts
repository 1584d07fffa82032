/** What an operation handler hands back to the server: the response plus keys for the call log. */
export interface OperationResult {
  status: number;
  /** JSON body; undefined sends an empty body. */
  body?: unknown;
  recordIdentifier?: string;
  applied?: boolean;
}
