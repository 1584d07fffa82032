/**
 * True when the `Authorization` header is SigV4 with a credential scope for the `sagemaker` signing name
 * (`Credential=<key>/<yyyymmdd>/<region>/sagemaker/aws4_request`). The signature itself is not verified: the
 * emulator accepts any credentials; this only lets tests prove that callers sign.
 */
export function isSignedForSageMaker(authorization: string | undefined): boolean {
  if (!authorization) return false;
  return /^AWS4-HMAC-SHA256\s+Credential=[^/\s,]+\/\d{8}\/[^/\s,]+\/sagemaker\/aws4_request(?:,|\s|$)/.test(
    authorization,
  );
}
