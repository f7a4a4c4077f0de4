// Mirrors grafana/k6 lib/executor/ramping_arrival_rate.go and constant_arrival_rate.go as an OPEN
// model: arrivals follow the schedule whatever the responses do (a slow version must not lower the
// offered load), so each arrival is its own in-flight request on keep-alive connections (pipelining
// 1), as k6 starts each iteration on a free VU and counts dropped_iterations when none is left.
import { performance } from "node:perf_hooks";
import type { Dispatcher } from "undici";
import { arrivalSchedule, type ScheduledArrival } from "./arrival-schedule.js";
import { LoadResultsRecorder, UNKNOWN_VERSION, VERSION_HEADER, type LoadResult, type LoadSummary } from "./load-results.js";
import { loopbackOrigin } from "./loopback-target.js";
import { DEFAULT_SEGMENT, parseLoadProfile, type LoadProfile, type LoadRequest, type LoadSegment } from "./profile.js";
import { ArrivalPool, type PooledRequest } from "./connection-pool.js";
import { classifyTransportError } from "./transport-errors.js";

/** Runs callback after delayMs (0: on the next turn of the event loop); returns a cancel function. */
export interface LoadTimers {
  schedule(delayMs: number, callback: () => void): () => void;
}

export interface StartLoadOptions {
  /** http://127.0.0.1:PORT (any loopback host); anything else is refused. */
  target: string;
  profile: LoadProfile;
  /** Uniform [0, 1): drives Poisson gaps, the request mix and segments. Seed it for repeatable runs. */
  random: () => number;
  /** Aborting stops the load at once; in-flight requests are cancelled. */
  signal?: AbortSignal;
  /** Called once per arrival, when its outcome is known. Must not throw (if it does, the load stops and done rejects). */
  onResult?: (result: LoadResult) => void;
  /** Wall milliseconds with sub-ms resolution. Injected so tests can drive the schedule by hand. */
  now?: () => number;
  timers?: LoadTimers;
}

export interface LoadRun {
  /** Resolves when the profile's duration is over and every request has settled, or on stop/abort. */
  done: Promise<LoadSummary>;
  /** Stops issuing, cancels in-flight requests, closes every socket; resolves with the summary. */
  stop(): Promise<LoadSummary>;
}

// The driver is the data plane: HTTP happens in real time, so its default clock is the wall clock
// (the manifest timeline's ScaledClock is for controllers, not for spacing requests).
const wallNow = (): number => performance.now();

const nodeTimers: LoadTimers = {
  schedule(delayMs, callback) {
    if (delayMs <= 0) {
      const immediate = setImmediate(callback);
      return () => clearImmediate(immediate);
    }
    const timeout = setTimeout(callback, delayMs);
    return () => clearTimeout(timeout);
  },
};

// Arrivals issued per turn when catching up, so responses (and the timeout sweep) still get
// event-loop turns while the driver makes up for a stall.
const MAX_ARRIVALS_PER_TURN = 500;
// Sending this late means the driver is short of CPU, not of connections.
const BEHIND_SCHEDULE_MS = 20;

class DeadlineExceeded extends Error {
  override name = "DeadlineExceeded";
}
class LoadStopped extends Error {
  override name = "LoadStopped";
}

type Settle = (request: InFlightRequest, outcome: Pick<LoadResult, "error">) => void;
type ResponseHeaders = Parameters<NonNullable<Dispatcher.DispatchHandler["onResponseStart"]>>[2];

// One arrival on its way: the undici handler and the pool's request in one object (no per-request
// closures: at thousands of requests a second they show up in GC time).
class InFlightRequest implements Dispatcher.DispatchHandler, PooledRequest {
  status = 0;
  version = UNKNOWN_VERSION;
  controller: Dispatcher.DispatchController | undefined = undefined;
  settled = false;

  constructor(
    readonly options: Dispatcher.DispatchOptions,
    readonly sentAt: number,
    /** Scheduled arrival, ms from the start: places the result in the series. */
    readonly offsetMs: number,
    readonly deadline: number,
    readonly segment: string,
    private readonly settleWith: Settle,
  ) {}

  get handler(): Dispatcher.DispatchHandler {
    return this;
  }

  abandoned(): boolean {
    return this.settled;
  }

  failed(error: unknown): void {
    this.settleWith(this, { error: classifyTransportError(error) });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Timed out or cancelled while waiting for a connection: do not send it late.
    if (this.settled) controller.abort(new LoadStopped("request already settled"));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    if (statusCode < 200) return;
    this.status = statusCode;
    const version = headers[VERSION_HEADER];
    const first = Array.isArray(version) ? version[0] : version;
    if (first !== undefined && first !== "") this.version = first;
  }

  onResponseData(): void {
    // The body is read to the end (latency includes it) and discarded.
  }

  onResponseEnd(): void {
    this.settleWith(this, {});
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.settleWith(this, { error: classifyTransportError(error) });
  }
}

/** Starts offering load to a loopback target. Throws at once for a bad target or profile. */
export function startLoad(options: StartLoadOptions): LoadRun {
  const origin = loopbackOrigin(options.target);
  const profile = parseLoadProfile(options.profile);
  const now = options.now ?? wallNow;
  const timers = options.timers ?? nodeTimers;
  const { onResult, signal } = options;

  const recorder = new LoadResultsRecorder(
    profile.segments.map((segment) => segment.name),
    Math.ceil(profile.durationSeconds),
  );
  let currentLagMs = 0;
  const pool = new ArrivalPool(origin, {
    maxConnections: profile.maxInFlight,
    timeoutMs: profile.timeoutMs,
    mayGrow: () => currentLagMs < BEHIND_SCHEDULE_MS,
  });
  const dispatchOptionsFor = dispatchOptionsCache();
  const schedule = arrivalSchedule(profile, options.random);

  // In send order; with one timeout for all, that is also deadline order.
  const inFlightQueue: InFlightRequest[] = [];
  let queueHead = 0;
  let inFlight = 0;
  let scheduled = 0;
  let maxScheduleLagMs = 0;
  let scheduleExhausted = false;
  let finished = false;
  let hookError: { error: unknown } | undefined;
  let cancelTick: (() => void) | undefined;
  let cancelSweep: (() => void) | undefined;
  let sweepAt = Infinity;

  let resolveDone!: (summary: LoadSummary) => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<LoadSummary>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const startedAt = now();
  let next = schedule.next();

  function settle(request: InFlightRequest, outcome: Pick<LoadResult, "error">): void {
    if (request.settled) return;
    request.settled = true;
    inFlight--;
    const end = now();
    const result: LoadResult = {
      atMs: request.sentAt,
      segment: request.segment,
      version: request.version,
      status: outcome.error === undefined ? request.status : 0,
      latencyMs: outcome.error === undefined ? end - request.sentAt : 0,
    };
    if (outcome.error !== undefined) result.error = outcome.error;
    report(result, request.offsetMs);
    if (scheduleExhausted && inFlight === 0) void finish("duration");
  }

  function report(result: LoadResult, offsetMs: number): void {
    recorder.record(result, offsetMs);
    if (onResult === undefined || hookError !== undefined) return;
    try {
      onResult(result);
    } catch (error) {
      hookError = { error };
      void finish("stop");
    }
  }

  function issue(arrival: ScheduledArrival, sentAt: number): void {
    scheduled++;
    currentLagMs = sentAt - startedAt - arrival.atMs;
    maxScheduleLagMs = Math.max(maxScheduleLagMs, currentLagMs);
    // The series goes by scheduled time, so it lines up with the profile even when the driver lags.
    const offsetMs = arrival.atMs;
    const segment = arrival.segment?.name ?? DEFAULT_SEGMENT;
    if (inFlight >= profile.maxInFlight) {
      report({ atMs: sentAt, segment, version: UNKNOWN_VERSION, status: 0, latencyMs: 0, error: "dropped-by-driver" }, offsetMs);
      return;
    }
    const request = new InFlightRequest(dispatchOptionsFor(arrival.request, arrival.segment), sentAt, offsetMs, sentAt + profile.timeoutMs, segment, settle);
    inFlight++;
    inFlightQueue.push(request);
    pool.dispatch(request);
    armSweep();
  }

  function tick(): void {
    cancelTick = undefined;
    if (finished) return;
    const elapsed = now() - startedAt;
    let issued = 0;
    while (!next.done && next.value.atMs <= elapsed && issued < MAX_ARRIVALS_PER_TURN) {
      issue(next.value, now());
      issued++;
      next = schedule.next();
      if (finished) return;
    }
    if (next.done) {
      scheduleExhausted = true;
      if (inFlight === 0) void finish("duration");
      return;
    }
    const waitMs = next.value.atMs - (now() - startedAt);
    // Still behind (the batch was full): go again on the next turn. Otherwise sleep at least 1 ms
    // rather than spin on immediates: the local platform's router and app share these cores, and
    // a 1 ms batch is as good as sub-ms spacing for a load test.
    cancelTick = timers.schedule(waitMs <= 0 ? 0 : Math.max(1, Math.floor(waitMs)), tick);
  }

  function armSweep(): void {
    while (queueHead < inFlightQueue.length && inFlightQueue[queueHead]!.settled) queueHead++;
    if (queueHead > 4096 && queueHead * 2 > inFlightQueue.length) {
      inFlightQueue.splice(0, queueHead);
      queueHead = 0;
    }
    const head = inFlightQueue[queueHead];
    if (head === undefined || finished || head.deadline >= sweepAt) return;
    cancelSweep?.();
    sweepAt = head.deadline;
    cancelSweep = timers.schedule(Math.max(0, Math.ceil(head.deadline - now())), sweep);
  }

  function sweep(): void {
    cancelSweep = undefined;
    sweepAt = Infinity;
    const current = now();
    for (let i = queueHead; i < inFlightQueue.length; i++) {
      const request = inFlightQueue[i]!;
      if (request.deadline > current) break;
      if (!request.settled) {
        settle(request, { error: "timeout" });
        request.controller?.abort(new DeadlineExceeded(`no full response within ${profile.timeoutMs} ms`));
      }
    }
    armSweep();
  }

  async function finish(stoppedBy: LoadSummary["stoppedBy"]): Promise<void> {
    if (finished) return;
    finished = true;
    cancelTick?.();
    cancelSweep?.();
    signal?.removeEventListener("abort", onAbort);
    for (let i = queueHead; i < inFlightQueue.length; i++) {
      const request = inFlightQueue[i]!;
      if (!request.settled) {
        settle(request, { error: "cancelled" });
        request.controller?.abort(new LoadStopped("load stopped"));
      }
    }
    const summary = recorder.summary({ target: origin, stoppedBy, scheduled, maxScheduleLagMs });
    try {
      await pool.destroy();
    } catch {
      // Destroying an already-closed pool is not worth failing the run for.
    }
    if (hookError !== undefined) rejectDone(hookError.error);
    else resolveDone(summary);
  }

  function onAbort(): void {
    void finish("signal");
  }

  if (signal?.aborted) {
    void finish("signal");
  } else {
    signal?.addEventListener("abort", onAbort, { once: true });
    cancelTick = timers.schedule(0, tick);
  }

  return {
    done,
    stop: () => {
      void finish("stop");
      return done;
    },
  };
}

/** Request options per (request, segment) pair, built once: the mix is fixed for the whole run. */
function dispatchOptionsCache(): (request: LoadRequest, segment: LoadSegment | undefined) => Dispatcher.DispatchOptions {
  const cache = new Map<LoadRequest, Map<LoadSegment | undefined, Dispatcher.DispatchOptions>>();
  return (request, segment) => {
    let bySegment = cache.get(request);
    if (bySegment === undefined) {
      bySegment = new Map();
      cache.set(request, bySegment);
    }
    let options = bySegment.get(segment);
    if (options === undefined) {
      const headers: Record<string, string> = { ...request.headers };
      if (segment !== undefined) headers[segment.header] = segment.value;
      options = { path: request.path, method: request.method, headers };
      bySegment.set(segment, options);
    }
    return options;
  };
}
