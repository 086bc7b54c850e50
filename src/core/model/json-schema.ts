/**
 * The JSON Schema of the model format, for editors: completion, hover documentation and
 * squiggles for unknown keys in YAML and JSON models.
 * @module
 */
import { z } from 'zod'
import { modelSchema, schemaAnnotations } from './schema.js'

/** The `$id` of the published schema. */
export const MODEL_SCHEMA_ID = 'urn:leadscore:schema:model:v1'

/**
 * The JSON Schema (draft 2020-12) of a `leadscore/v1` model document, generated from the same
 * zod schema that validates models. The semantic checks (references, duplicates, ranges) are
 * not in it: run `leadscore model validate` for those.
 *
 * @example
 * // .vscode/settings.json: "yaml.schemas": { "./leadscore.schema.json": "models/*.yaml" }
 * writeFileSync('leadscore.schema.json', JSON.stringify(modelJsonSchema(), null, 2))
 */
export function modelJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(modelSchema, {
    target: 'draft-2020-12',
    io: 'input',
    metadata: schemaAnnotations,
  }) as Record<string, unknown>
  const { $schema, ...rest } = generated
  return {
    $schema,
    $id: MODEL_SCHEMA_ID,
    title: 'Leadscore scoring model (leadscore/v1)',
    description:
      'A lead scoring model: fit (who the contact is) and engagement (what the contact does) rules, grades, levels, bands, lifecycle stages, buyer journey, segments and account scoring.',
    ...rest,
  }
}
