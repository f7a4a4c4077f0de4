// Mirrors grafana/k6 lib/executor/ramping_arrival_rate.go (arrival times where the integral of a
// piecewise-linear rate reaches each next iteration) and constant_arrival_rate.go. Poisson arrivals
// use the time-rescaling theorem: exponential(1) steps on the integrated-rate axis give a
// (non-homogeneous) Poisson process with the same rate curve.
import { isRampingProfile, type LoadProfile, type LoadRequest, type LoadSegment } from "./profile.js";

/** One stretch of the rate curve: linear from startRate to endRate (req/s). */
export interface RatePiece {
  startMs: number;
  durationMs: number;
  startRate: number;
  endRate: number;
}

export interface ScheduledArrival {
  /** Offset from the start of the load, in ms. */
  atMs: number;
  request: LoadRequest;
  /** Undefined: the request belongs to no segment ("default"). */
  segment: LoadSegment | undefined;
}

/** The rate curve of a profile, cut (or the last rate held) at durationSeconds. */
export function ratePieces(profile: LoadProfile): RatePiece[] {
  const totalMs = profile.durationSeconds * 1000;
  if (!isRampingProfile(profile)) {
    return [{ startMs: 0, durationMs: totalMs, startRate: profile.rate, endRate: profile.rate }];
  }
  const pieces: RatePiece[] = [];
  let startMs = 0;
  let rate = profile.startRate;
  for (const stage of profile.stages) {
    if (startMs >= totalMs) break;
    const stageMs = stage.durationSeconds * 1000;
    const durationMs = Math.min(stageMs, totalMs - startMs);
    const endRate = rate + ((stage.targetRate - rate) * durationMs) / stageMs;
    pieces.push({ startMs, durationMs, startRate: rate, endRate });
    startMs += durationMs;
    rate = endRate;
  }
  if (startMs < totalMs) pieces.push({ startMs, durationMs: totalMs - startMs, startRate: rate, endRate: rate });
  return pieces;
}

/** Requests the curve offers in total: the area under it (req/s × s). */
export function offeredRequests(pieces: readonly RatePiece[]): number {
  return pieces.reduce((sum, piece) => sum + pieceArea(piece), 0);
}

function pieceArea(piece: RatePiece): number {
  return ((piece.startRate + piece.endRate) / 2) * (piece.durationMs / 1000);
}

/**
 * Time (ms into the piece) at which the piece's integrated rate reaches `area`. Solves
 * (slope/2)·t² + startRate·t = area in the form 2a / (r0 + √(r0² + 2·slope·a)), which stays exact
 * for flat pieces (slope 0) and ramps from zero (r0 0), where the textbook root divides by ~0.
 */
function timeToArea(piece: RatePiece, area: number): number {
  const seconds = piece.durationMs / 1000;
  const slope = (piece.endRate - piece.startRate) / seconds;
  const root = Math.sqrt(Math.max(0, piece.startRate * piece.startRate + 2 * slope * area));
  const denominator = piece.startRate + root;
  if (denominator <= 0) return 0;
  return ((2 * area) / denominator) * 1000;
}

/**
 * Arrival offsets and what each arrival requests. Constant arrivals sit at the midpoints of
 * whole requests on the integrated-rate axis (k + ½), so a flat rate gives exactly rate × duration
 * arrivals, a ramp gives its area rounded, and a zero-rate stage gives none. Poisson arrivals take
 * exponential steps instead. `random` returns uniform numbers in [0, 1); pass a seeded one for
 * reproducible runs.
 */
export function* arrivalSchedule(profile: LoadProfile, random: () => number): Generator<ScheduledArrival, void, undefined> {
  const pieces = ratePieces(profile);
  const pickRequest = weightedPicker(profile.requests);
  const pickSegment = segmentPicker(profile.segments);
  const poisson = profile.arrival === "poisson";
  let target = poisson ? exponentialStep(random) : 0.5;
  let pieceIndex = 0;
  let areaBefore = 0;
  while (pieceIndex < pieces.length) {
    const piece = pieces[pieceIndex]!;
    const area = pieceArea(piece);
    if (target >= areaBefore + area) {
      areaBefore += area;
      pieceIndex++;
      continue;
    }
    const atMs = piece.startMs + Math.min(piece.durationMs, timeToArea(piece, target - areaBefore));
    yield { atMs, request: pickRequest(random), segment: pickSegment(random) };
    target += poisson ? exponentialStep(random) : 1;
  }
}

function exponentialStep(random: () => number): number {
  // 1 - u is in (0, 1], so the log is finite.
  return -Math.log(1 - random());
}

function weightedPicker(requests: readonly LoadRequest[]): (random: () => number) => LoadRequest {
  const only = requests[0];
  if (only === undefined) throw new Error("a load profile needs at least one request");
  if (requests.length === 1) return () => only;
  const cumulative: number[] = [];
  let total = 0;
  for (const request of requests) {
    total += request.weight;
    cumulative.push(total);
  }
  return (random) => {
    const draw = random() * total;
    // Binary search for the first cumulative weight above the draw; zero-weight entries are never chosen.
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (draw < cumulative[mid]!) high = mid;
      else low = mid + 1;
    }
    return requests[low]!;
  };
}

function segmentPicker(segments: readonly LoadSegment[]): (random: () => number) => LoadSegment | undefined {
  if (segments.length === 0) return () => undefined;
  return (random) => {
    const draw = random();
    let upTo = 0;
    for (const segment of segments) {
      upTo += segment.share;
      if (draw < upTo) return segment;
    }
    return undefined;
  };
}
