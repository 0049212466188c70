/** Codes of `DeliveryError`, each mapped to one HTTP status. */
export type DeliveryErrorCode =
  | 'INVALID_REQUEST'
  | 'REQUEST_NOT_FOUND'
  | 'RESULT_NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_CANCELABLE'
  | 'BODY_TOO_LARGE';

const HTTP_STATUS_OF_CODE: Record<DeliveryErrorCode, number> = {
  INVALID_REQUEST: 400,
  REQUEST_NOT_FOUND: 404,
  RESULT_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_CANCELABLE: 409,
  BODY_TOO_LARGE: 413,
};

/** A rejected delivery API call: the HTTP server sends `{"message"}` with `httpStatus`. */
export class DeliveryError extends Error {
  readonly httpStatus: number;

  constructor(
    message: string,
    readonly code: DeliveryErrorCode,
  ) {
    super(message);
    this.name = 'DeliveryError';
    this.httpStatus = HTTP_STATUS_OF_CODE[code];
  }
}
