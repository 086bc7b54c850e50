import { describe, expect, it } from 'vitest'
import { contactProperties, eventProperties } from './fields.js'
import { exampleModel } from './test-support/example-model.js'

describe('fields a model reads', () => {
  it('event properties: conditions of engagement rules and distinct keys', () => {
    expect([...eventProperties(exampleModel)].sort()).toEqual(['email_id', 'path', 'percent'])
  })

  it('contact and account properties: fit, classifiers, committee, the account key; never score.*', () => {
    const { contact, account } = contactProperties(exampleModel)
    expect([...contact].sort()).toEqual(['account_id', 'country', 'email', 'job_title', 'source'])
    expect([...account].sort()).toEqual(['employees', 'industry'])
  })
})
