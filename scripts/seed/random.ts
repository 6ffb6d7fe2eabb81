/**
 * Deterministic randomness for the seed: mulberry32 streams derived from the
 * `--seed` and a label, so each table draws from its own stream and changing one
 * table's size leaves the others' rows alone.
 */
export class Random {
  private state: number;

  constructor(seed: number, label = '') {
    this.state = mix(seed, label);
  }

  /** A float in [0, 1). mulberry32. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /**
   * A Pareto-distributed weight ≥ 1: most draws are small, a few are huge. The
   * smaller alpha, the heavier the tail.
   */
  pareto(alpha: number): number {
    return Math.pow(1 - this.next(), -1 / alpha);
  }
}

/** FNV-1a of the label, folded into the seed and scrambled (murmur3 finaliser). */
function mix(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i += 1) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Draws indices in [0, weights.length) with probability proportional to their weight. */
export class WeightedSampler {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i += 1) {
      sum += weights[i];
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  get size(): number {
    return this.cumulative.length;
  }

  draw(random: Random): number {
    const target = random.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * k distinct integers of [0, n) other than `exclude`, sorted ascending. Drawn
 * from `draw` (a skewed distribution) while that finds new values quickly; the
 * rest uniformly, and by a partial shuffle when most of the range is wanted.
 */
export function sampleDistinct(
  k: number,
  n: number,
  random: Random,
  draw: () => number,
  exclude = -1,
): Int32Array {
  const available = exclude >= 0 && exclude < n ? n - 1 : n;
  if (k > available) throw new Error(`cannot pick ${k} distinct values out of ${available}`);
  const out = new Int32Array(k);
  if (k === 0) return out;
  if (k * 2 > available) {
    const pool = new Int32Array(available);
    for (let v = 0, j = 0; v < n; v += 1) if (v !== exclude) pool[j++] = v;
    for (let i = 0; i < k; i += 1) {
      const j = i + random.int(available - i);
      const swap = pool[i];
      pool[i] = pool[j];
      pool[j] = swap;
    }
    out.set(pool.subarray(0, k));
    return out.sort();
  }
  const chosen = new Set<number>();
  for (let attempts = 0; chosen.size < k && attempts < k * 4; attempts += 1) {
    const v = draw();
    if (v !== exclude) chosen.add(v);
  }
  while (chosen.size < k) {
    const v = random.int(n);
    if (v !== exclude) chosen.add(v);
  }
  let i = 0;
  for (const v of chosen) out[i++] = v;
  return out.sort();
}

/**
 * Splits `total` into integer counts proportional to `weights`, none above
 * `cap`: floors first, then what capped items could not take goes to the
 * others, then single units to the heaviest. Throws when the caps cannot hold
 * the total.
 */
export function allocate(total: number, weights: ArrayLike<number>, cap: number): Int32Array {
  const n = weights.length;
  const counts = new Int32Array(n);
  let capacity = 0;
  for (let i = 0; i < n; i += 1) if (weights[i] > 0) capacity += cap;
  if (total > capacity) throw new Error(`cannot place ${total} rows in ${capacity} slots`);
  let remaining = total;
  while (remaining > 0) {
    let open = 0;
    for (let i = 0; i < n; i += 1) if (weights[i] > 0 && counts[i] < cap) open += weights[i];
    let placed = 0;
    for (let i = 0; i < n; i += 1) {
      if (weights[i] <= 0 || counts[i] >= cap) continue;
      const share = Math.min(
        Math.floor((remaining * weights[i]) / open),
        cap - counts[i],
        remaining - placed, // guards against rounding up
      );
      counts[i] += share;
      placed += share;
    }
    remaining -= placed;
    if (placed === 0) {
      // Every share rounded down to 0: fewer units are left than open items.
      const order = Array.from({ length: n }, (_, i) => i)
        .filter((i) => weights[i] > 0 && counts[i] < cap)
        .sort((a, b) => weights[b] - weights[a] || a - b);
      for (const i of order) {
        if (remaining === 0) break;
        counts[i] += 1;
        remaining -= 1;
      }
    }
  }
  return counts;
}
