import type { SubCommandsDef } from 'citty'

/** Every subcommand of `leadscore`, by name. Each lives in its own file in this folder. */
export const commands: SubCommandsDef = {
  analyze: () => import('./analyze.js').then((m) => m.analyzeCommand),
  assignment: () => import('./assignment.js').then((m) => m.assignmentCommand),
  backup: () => import('./backup.js').then((m) => m.backupCommand),
  explain: () => import('./explain.js').then((m) => m.explainCommand),
  export: () => import('./export.js').then((m) => m.exportCommand),
  import: () => import('./import.js').then((m) => m.importCommand),
  init: () => import('./init.js').then((m) => m.initCommand),
  keys: () => import('./keys.js').then((m) => m.keysCommand),
  model: () => import('./model.js').then((m) => m.modelCommand),
  predict: () => import('./predict.js').then((m) => m.predictCommand),
  predictive: () => import('./predictive.js').then((m) => m.predictiveCommand),
  restore: () => import('./backup.js').then((m) => m.restoreCommand),
  score: () => import('./score.js').then((m) => m.scoreCommand),
  sql: () => import('./sql.js').then((m) => m.sqlCommand),
  serve: () => import('./serve.js').then((m) => m.serveCommand),
  webhooks: () => import('./webhooks.js').then((m) => m.webhooksCommand),
  users: () => import('./users.js').then((m) => m.usersCommand),
  train: () => import('./train.js').then((m) => m.trainCommand),
}
