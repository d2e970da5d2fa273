import { shareClassAcrossCopies } from '../shared-class.js';
/**
 * The outcome of a plugin call: a code, the reasons, and which plugin spoke. Mirrors kube-scheduler's
 * `framework.Status`. Hot paths return `null` for success instead of allocating a Status.
 */
export enum Code {
  /** The plugin ran correctly and found the pod schedulable (or did its job). */
  Success = 0,
  /** An internal error: the pod is retried with backoff; no preemption is attempted. */
  Error = 1,
  /** The node does not fit the pod now; preemption may change that. */
  Unschedulable = 2,
  /** The node does not fit and preemption cannot help. */
  UnschedulableAndUnresolvable = 3,
  /** Permit: the pod waits for an allow or a reject. */
  Wait = 4,
  /** The plugin has nothing to do for this pod (PreFilter/PreScore: skip its Filter/Score; Bind: next binder). */
  Skip = 5,
  /** The pod is waiting for something outside the scheduler; it is not retried until an event says so. */
  Pending = 6,
}

const codeNames: Record<Code, string> = {
  [Code.Success]: 'Success',
  [Code.Error]: 'Error',
  [Code.Unschedulable]: 'Unschedulable',
  [Code.UnschedulableAndUnresolvable]: 'UnschedulableAndUnresolvable',
  [Code.Wait]: 'Wait',
  [Code.Skip]: 'Skip',
  [Code.Pending]: 'Pending',
};

/** The name kube-scheduler gives a code ("UnschedulableAndUnresolvable"). */
export function codeName(code: Code): string {
  return codeNames[code];
}

/** A plugin's verdict. Immutable once returned to the framework, except for `withPlugin`. */
export class Status {
  /** The plugin that returned this status; the framework fills it when the plugin did not. */
  plugin: string | undefined;

  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    /** The underlying error for `Code.Error`. */
    readonly cause?: unknown,
  ) {}

  /** A status with `code` and reasons. */
  static of(code: Code, ...reasons: string[]): Status {
    return new Status(code, reasons);
  }

  /** An internal error status carrying its cause; the reason is the error's message. */
  static error(cause: unknown): Status {
    const message = cause instanceof Error ? cause.message : String(cause);
    return new Status(Code.Error, [message], cause);
  }

  /** Shorthand for `Status.of(Code.Unschedulable, ...reasons)`. */
  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }

  /** Shorthand for `Status.of(Code.UnschedulableAndUnresolvable, ...reasons)`. */
  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }

  /** A shared Skip status (plugins return it from PreFilter/PreScore/Bind). */
  static readonly skip: Status = Object.freeze(new Status(Code.Skip)) as Status;

  /** Sets the plugin name when none is set yet and returns this status. */
  withPlugin(name: string): Status {
    if (this.plugin === undefined && !Object.isFrozen(this)) this.plugin = name;
    return this;
  }

  /** True for Success. */
  isSuccess(): boolean {
    return this.code === Code.Success;
  }

  /** True for Unschedulable or UnschedulableAndUnresolvable. */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  /** True for Wait. */
  isWait(): boolean {
    return this.code === Code.Wait;
  }

  /** True for Skip. */
  isSkip(): boolean {
    return this.code === Code.Skip;
  }

  /** The reasons joined as kube's `Status.Message()` does (", "). */
  message(): string {
    return this.reasons.join(', ');
  }

  /** The error form of a non-success status: its message, with the original error as the cause. */
  asError(): Error {
    const text = this.message() || `${codeName(this.code)}${this.plugin ? ` (${this.plugin})` : ''}`;
    return this.cause === undefined ? new Error(text) : new Error(text, { cause: this.cause });
  }

  toString(): string {
    return `${codeName(this.code)}${this.plugin ? ` (${this.plugin})` : ''}: ${this.message()}`;
  }
}

// A plugin resolving another copy of the framework returns that copy's Status: the runtime still recognizes it.
shareClassAcrossCopies(Status, 'Status');

/** True when `status` is absent (the hot-path form of success) or has code Success. */
export function isSuccess(status: Status | null | undefined): boolean {
  return status == null || status.code === Code.Success;
}
