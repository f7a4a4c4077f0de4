// Mirrors prometheus/prometheus util/kahansum/kahansum.go: Inc (Kahan-Neumaier compensated summation),
// used by sum/avg aggregations and *_over_time so results match Prometheus to the last bit.

export function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (!Number.isFinite(t) && !Number.isNaN(t)) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + (sum - t + inc)];
  return [t, c + (inc - t + sum)];
}
