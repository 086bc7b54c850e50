/**
 * The engine's clock. Injected, so tests decide what time it is.
 * @module
 */

/** A source of the current time (epoch milliseconds). */
export interface Clock {
  now(): number
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to: for tests and simulations. */
export interface ManualClock extends Clock {
  /** Sets the time (epoch ms). */
  set(time: number): void
  /** Moves the time forward by `ms`. */
  advance(ms: number): void
}

/** A manual clock starting at `start` (epoch ms). */
export function manualClock(start: number): ManualClock {
  let time = start
  return {
    now: () => time,
    set: (t) => {
      time = t
    },
    advance: (ms) => {
      time += ms
    },
  }
}
