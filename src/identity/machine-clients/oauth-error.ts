// RFC 6749 §5.2 errors of the token endpoint: `{ error, error_description }`, with the status the
// RFC gives (401 and a WWW-Authenticate challenge for a client that failed to authenticate).
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

export class OAuthError extends Error {
  constructor(readonly error: OAuthErrorCode, readonly description: string) {
    super(description);
    this.name = 'OAuthError';
  }
  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
