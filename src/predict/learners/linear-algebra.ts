/**
 * The one piece of dense linear algebra the learners need.
 * @module
 */

/**
 * Solves `A x = b` for a symmetric positive definite `p × p` matrix `A` (row-major) by Cholesky
 * factorisation. A tiny ridge is added when a pivot is not positive (a nearly singular matrix).
 * `A` and `b` are left unchanged.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p)
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * p + j]!
      for (let k = 0; k < j; k++) sum -= l[i * p + k]! * l[j * p + k]!
      if (i === j) l[i * p + i] = Math.sqrt(Math.max(sum, 1e-12))
      else l[i * p + j] = sum / l[j * p + j]!
    }
  }
  const y = new Float64Array(p)
  for (let i = 0; i < p; i++) {
    let sum = b[i]!
    for (let k = 0; k < i; k++) sum -= l[i * p + k]! * y[k]!
    y[i] = sum / l[i * p + i]!
  }
  const x = new Float64Array(p)
  for (let i = p - 1; i >= 0; i--) {
    let sum = y[i]!
    for (let k = i + 1; k < p; k++) sum -= l[k * p + i]! * x[k]!
    x[i] = sum / l[i * p + i]!
  }
  return x
}
