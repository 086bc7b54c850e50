/**
 * The logistic link between a margin (log-odds) and a probability.
 * @module
 */

/** 1 / (1 + e^−x), without overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x))
  const e = Math.exp(x)
  return e / (1 + e)
}

/** log(p / (1 − p)), with p clipped away from 0 and 1. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p))
  return Math.log(q / (1 - q))
}

/** {@link sigmoid} of every margin. */
export function probabilities(margins: ArrayLike<number>): Float64Array {
  const out = new Float64Array(margins.length)
  for (let i = 0; i < margins.length; i++) out[i] = sigmoid(margins[i]!)
  return out
}
