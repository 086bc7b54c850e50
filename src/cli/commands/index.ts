import type { CommandDef } from 'citty'

/** Every subcommand of `leadscore`, by name. Each lives in its own file in this folder. */
export const commands: Record<string, () => Promise<CommandDef>> = {
  model: () => import('./model.js').then((m) => m.modelCommand),
}
