/**
 * Matching events to a model's rules once per kind of event rather than once per event: what
 * an event feeds (`matchEvent`) depends only on its name and the values of the properties the
 * model's engagement rules read, so events alike in those share one match. Folding a million
 * contacts' events then costs a map lookup per event, not a test of every rule.
 * @module
 */
import {
  type CompiledModel,
  type ContactEvent,
  type ContactState,
  createState,
  type EventMatch,
  eventProperties,
  foldEvent,
  matchEvent,
} from '../../core/index.js'
import { lookup } from '../../core/values.js'

/** `matchEvent` of a model, cached by event name and the values of the properties it reads. */
export class EventMatcher {
  readonly model: CompiledModel
  readonly #fields: readonly string[]
  readonly #matches = new Map<string, EventMatch>()

  constructor(model: CompiledModel) {
    this.model = model
    this.#fields = [...eventProperties(model.document)].sort()
  }

  /** What `event` feeds: the same as `matchEvent(model, event)`. */
  match(event: ContactEvent): EventMatch {
    let key = event.name
    for (const field of this.#fields) {
      const value = lookup(event.properties, field)
      // undefined and null are told apart (`exists`); JSON tells other values apart
      key += value === undefined ? '\u0000u' : `\u0000${JSON.stringify(value)}`
    }
    let match = this.#matches.get(key)
    if (match === undefined) {
      match = matchEvent(this.model, event)
      // a cache that grows past this many kinds of events (a property with a value per event) starts again
      if (this.#matches.size >= 100_000) this.#matches.clear()
      this.#matches.set(key, match)
    }
    return match
  }

  /** A contact's state folded from `events`: the same as folding each with `foldEvent`. */
  fold(events: Iterable<ContactEvent>): ContactState {
    const state = createState(this.model)
    for (const event of events) foldEvent(this.model, state, event, this.match(event))
    return state
  }
}
