/** Exclusive upper bound of seeds, which are unsigned 32-bit integers. */
export const MAX_SEED_EXCLUSIVE = 2 ** 32;

/**
 * Returns a sfc32 PRNG seeded through splitmix32, yielding floats in [0, 1). `Math.random`
 * cannot be seeded, and generated samples must be the same across runs and machines.
 */
function createSfc32(seed: number): () => number {
  let state = seed >>> 0;
  const splitmix32 = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };

  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / MAX_SEED_EXCLUSIVE;
  };
}

/** Draws from the distributions the event generator needs, all from one seeded stream. */
export class RandomSampler {
  /** Draws a uniform float in [0, 1). */
  readonly uniform: () => number;
  private spareNormal: number | undefined;

  /** Creates a sampler from an unsigned 32-bit integer seed. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= MAX_SEED_EXCLUSIVE) {
      throw new RangeError(
        `Invalid seed ${seed}: expected an integer in [0, ${MAX_SEED_EXCLUSIVE}), such as 42`,
      );
    }
    this.uniform = createSfc32(seed);
  }

  /** Draws a uniform float in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Returns true with the given probability. */
  chance(probability: number): boolean {
    return this.uniform() < probability;
  }

  /** Draws from an exponential distribution with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Draws from a normal distribution by the Box-Muller transform, caching its second value. */
  gaussian(mean: number, sigma: number): number {
    if (this.spareNormal !== undefined) {
      const normal = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sigma * normal;
    }

    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return mean + sigma * radius * Math.cos(angle);
  }

  /** Draws from a Poisson distribution by Knuth's multiplication method, fast for small means. */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let count = 0;
    for (let product = this.uniform(); product > limit; product *= this.uniform()) count++;
    return count;
  }

  /** Draws from a Pareto (power-law) distribution above `minimum`, density ~ x^-(index + 1). */
  powerLaw(minimum: number, index: number): number {
    return minimum * (1 - this.uniform()) ** (-1 / index);
  }

  /** Draws from a Breit-Wigner (Cauchy) distribution truncated to [low, high] by inverse CDF. */
  breitWigner(peak: number, width: number, low: number, high: number): number {
    const cdf = (x: number): number => Math.atan((2 * (x - peak)) / width) / Math.PI + 0.5;
    const u = this.between(cdf(low), cdf(high));
    return peak + (width / 2) * Math.tan(Math.PI * (u - 0.5));
  }

  /** Draws a uniform azimuthal angle in [-pi, pi). */
  phi(): number {
    return this.between(-Math.PI, Math.PI);
  }

  /** Draws a charge of +1 or -1 with equal probability. */
  charge(): number {
    return this.chance(0.5) ? 1 : -1;
  }
}
