/**
 * The options naming a database's tables and columns, shared by `leadscore sql` and
 * `leadscore score --engine` (apart, so that `leadscore score` on files loads no SQL code).
 * @module
 */
import { help } from '../help.js'

/** Options naming the tables and columns the SQL reads. */
export const tableArgs = {
  'contacts-table': {
    type: 'string',
    description: help('help.sql.contactsTable'),
    valueHint: 'NAME',
  },
  'events-table': { type: 'string', description: help('help.sql.eventsTable'), valueHint: 'NAME' },
  'accounts-table': {
    type: 'string',
    description: help('help.sql.accountsTable'),
    valueHint: 'NAME',
  },
  'id-column': { type: 'string', description: help('help.sql.idColumn') },
  'contact-column': { type: 'string', description: help('help.sql.contactColumn') },
  'event-column': { type: 'string', description: help('help.sql.eventColumn') },
  'time-column': { type: 'string', description: help('help.sql.timeColumn') },
  'account-id-column': { type: 'string', description: help('help.sql.accountIdColumn') },
} as const
