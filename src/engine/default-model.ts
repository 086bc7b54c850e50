/**
 * The default model: `examples/b2b-saas.yaml` of the installed package, published as the
 * primary model when the engine starts on an empty database.
 * @module
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Where the default model file is (the package's `examples/b2b-saas.yaml`). */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../examples/b2b-saas.yaml', import.meta.url))

/** The default model's source text. */
export function defaultModelSource(): string {
  return readFileSync(DEFAULT_MODEL_PATH, 'utf8')
}
