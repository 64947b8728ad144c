/** How errors cross the contract: as data, never as a thrown object that would lose its shape. */
export type ErrorCode =
  | 'invalid-input'
  | 'unknown-method'
  | 'not-found'
  | 'conflict'
  | 'unavailable'
  | 'unauthorized'
  | 'exchange-error'
  | 'internal';

export type ContractErrorData = { code: ErrorCode; message: string };

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractErrorData };

/** Thrown by handlers for an expected failure, and rethrown by clients when a call fails. */
export class ContractError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
  }

  toData(): ContractErrorData {
    return { code: this.code, message: this.message };
  }
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});
