/**
 * Why a store write failed, as the API server's status reasons name it. Callers branch on the class (or
 * `reason`); the message names the object.
 */
export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Unavailable';

/** A store write that cannot be done; the message names the object and the reason. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    /** The API server's status reason for the failure. */
    readonly reason: StoreErrorReason = 'Invalid',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The object does not exist (or was replaced by another object of the same name: its uid differs). */
export class NotFoundError extends StoreError {
  override name = 'NotFoundError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'NotFound', options);
  }
}

/** A create found the object already there. */
export class AlreadyExistsError extends StoreError {
  override name = 'AlreadyExistsError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'AlreadyExists', options);
  }
}

/**
 * Another writer changed the object since it was read (its resourceVersion moved on), or a binding found the pod
 * already bound. Read the object again and retry, or accept the other writer's version: the store is the truth.
 */
export class ConflictError extends StoreError {
  override name = 'ConflictError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'Conflict', options);
  }
}

/** The store cannot be reached now (connection lost, timeout); the write may or may not have happened. */
export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'Unavailable', options);
  }
}
