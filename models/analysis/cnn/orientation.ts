/** What a small kernel responds to: its split into a constant part, an oriented ramp and the rest. */

export interface KernelProfile {
  /** Share of the kernel's energy in its mean (a brightness detector). */
  constantShare: number;
  /** Share in the best-fitting linear ramp (an oriented edge detector). */
  gradientShare: number;
  /** Share in everything else: curvature, spots, checkerboards (higher spatial frequency). */
  residualShare: number;
  /** Direction in which the ramp increases, in degrees in [0, 360), x to the right and y up. */
  direction: number;
  /** Orientation of the edge line the kernel detects, in degrees in [0, 180). */
  edgeOrientation: number;
  /** Total energy (sum of squares). */
  energy: number;
}

/** Splits a square kernel (row-major, row 0 at the top) into orthogonal constant, ramp and residual parts. */
export function kernelProfile(values: ArrayLike<number>, size: number): KernelProfile {
  const n = size * size;
  const centre = (size - 1) / 2;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let energy = 0, gx = 0, gy = 0, rampNorm = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const v = values[r * size + c];
      energy += v * v;
      const x = c - centre, y = centre - r;
      gx += (v - mean) * x;
      gy += (v - mean) * y;
      rampNorm += x * x;
    }
  }
  gx /= rampNorm;
  gy /= rampNorm;
  const constantEnergy = mean * mean * n;
  const gradientEnergy = (gx * gx + gy * gy) * rampNorm;
  const safe = energy > 0 ? energy : 1;
  const direction = ((Math.atan2(gy, gx) * 180) / Math.PI + 360) % 360;
  return {
    constantShare: constantEnergy / safe,
    gradientShare: gradientEnergy / safe,
    residualShare: Math.max(0, energy - constantEnergy - gradientEnergy) / safe,
    direction,
    edgeOrientation: (direction + 90) % 180,
    energy,
  };
}

/** The criterion used throughout: a kernel is an edge detector when its ramp holds at least half its energy. */
export const EDGE_DETECTOR_SHARE = 0.5;

export function isEdgeDetector(profile: KernelProfile, threshold = EDGE_DETECTOR_SHARE): boolean {
  return profile.gradientShare >= threshold;
}

/** Spread of axial orientations (degrees mod 180), weighted: 0 when all agree, 1 when evenly spread. */
export function orientationSpread(orientations: readonly number[], weights?: readonly number[]): number {
  let sx = 0, sy = 0, total = 0;
  orientations.forEach((deg, i) => {
    const w = weights?.[i] ?? 1;
    const a = (2 * deg * Math.PI) / 180;
    sx += w * Math.cos(a);
    sy += w * Math.sin(a);
    total += w;
  });
  return total > 0 ? 1 - Math.hypot(sx, sy) / total : 0;
}

/** Counts of axial orientations in equal bins centred on 0, 180/bins, ... degrees (0 and 180 coincide). */
export function orientationHistogram(
  orientations: readonly number[],
  bins = 8,
): { centre: number; count: number }[] {
  const width = 180 / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const o of orientations) {
    const shifted = (((o + width / 2) % 180) + 180) % 180;
    counts[Math.min(bins - 1, Math.floor(shifted / width))]++;
  }
  return counts.map((count, i) => ({ centre: i * width, count }));
}
