/**
 * The Node SDK captures a stack trace for every Promise it creates: `debuggablePromise` (pulumi/pulumi v3.248.0,
 * `sdk/nodejs/runtime/debuggable.ts`) stores `new Error().stack` on each one, about thirty per resource (four per
 * output property in `transferProperties`, the URN's and the id's, the registration's own). The trace is read only to
 * name a Promise left pending when the program exits, and printed only with `PULUMI_DEBUG_PROMISE_LEAKS` set.
 * Formatting those traces was a fifth of the program's CPU under mocks (bench/measure-pulumi.ts, ×1: 4.3 → 3.6 s
 * with no traces), and the strings are garbage the heap has to grow for.
 *
 * `withoutPromiseTraces` runs the synchronous construction of resources with `Error.stackTraceLimit` at 0, so that
 * those Promises carry an empty trace, and restores the limit afterwards, also when `create` throws. An error thrown
 * while it runs carries its message but no stack frames: every error the program raises on purpose is a one-line
 * message (RunError, InputError, the constructors' prop errors), which is all the CLI prints of it. With
 * `PULUMI_DEBUG_PROMISE_LEAKS` set (the SDK's switch for the leak report that uses the traces) it changes nothing.
 */
export function withoutPromiseTraces<T>(create: () => T): T {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return create();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
