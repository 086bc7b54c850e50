import type { ModelDocument } from '../model/types.js'

/** The complete example of model-format.md, as a document (shared by tests). */
export const exampleModel: ModelDocument = {
  format: 'leadscore/v1',
  id: 'b2b-saas',
  name: 'B2B SaaS, fit + engagement',
  fit: {
    max: 40,
    groups: [
      {
        id: 'seniority',
        mode: 'first',
        rules: [
          {
            when: {
              job_title: { matches: '\\b(vp|vice president|director|head|chief|c[emft]o|founder)\\b' },
            },
            points: 20,
          },
          { when: { job_title: { matches: 'manager' } }, points: 10 },
          { when: { job_title: { matches: 'student|intern' } }, points: -20 },
        ],
      },
      {
        id: 'company',
        max: 25,
        rules: [
          { when: { 'account.industry': { in: ['software', 'fintech', 'saas'] } }, points: 15 },
          { when: { 'account.employees': { gte: 200 } }, points: 15 },
          { when: { country: { in: ['US', 'CA', 'GB', 'DE', 'FR', 'ES', 'NL'] } }, points: 5 },
        ],
      },
    ],
    grades: { A: 30, B: 20, C: 10, D: 5 },
  },
  engagement: {
    max: 60,
    decay: { halfLifeDays: 30 },
    groups: [
      {
        id: 'web',
        mode: 'first',
        max: 25,
        rules: [
          { id: 'pricing-page', when: { event: 'page', path: { eq: '/pricing' } }, points: 10 },
          { id: 'page-view', when: { event: 'page' }, points: 1 },
        ],
      },
      {
        id: 'email',
        rules: [
          { id: 'email-open', when: { event: 'Email Opened' }, points: 2, distinct: 'email_id' },
          { id: 'email-click', when: { event: 'Email Link Clicked' }, points: 5, max: 20 },
        ],
      },
      {
        id: 'intent',
        rules: [
          { id: 'demo', when: { event: 'Demo Requested' }, points: 30, occurrences: 'first' },
          { id: 'webinar', when: { event: 'Webinar Attended' }, points: 15 },
          { id: 'video-75', when: { event: 'Video Playback Completed', percent: { gte: 75 } }, points: 5 },
          {
            id: 'frequent-visitor',
            when: { event: 'page' },
            count: { gte: 5, withinDays: 30 },
            points: 10,
            decay: 'none',
          },
        ],
      },
      {
        id: 'negative',
        rules: [
          { when: { event: 'Unsubscribed' }, points: -20, decay: 'none' },
          { when: { event: 'Email Bounced' }, points: -10, window: { days: 90 } },
        ],
      },
    ],
    inactivity: { afterDays: 60, points: -10 },
    levels: { 1: 35, 2: 20, 3: 10 },
  },
  bands: [
    { id: 'hot', when: { 'score.total': { gte: 70 } } },
    { id: 'warm', when: { 'score.total': { gte: 40 } } },
    { id: 'cold' },
  ],
  stages: [
    { id: 'subscriber' },
    { id: 'lead', when: { email: { exists: true } } },
    {
      id: 'mql',
      when: { all: [{ 'score.total': { gte: 60 } }, { 'score.grade': { in: ['A', 'B', 'C'] } }] },
      recycle: { to: 'lead', when: { 'score.total': { lt: 30 } } },
    },
    { id: 'sql' },
    { id: 'opportunity' },
    { id: 'customer' },
  ],
  journey: [
    { id: 'decision', when: { did: { rule: ['demo', 'pricing-page'], withinDays: 30 } } },
    {
      id: 'consideration',
      when: { did: { event: ['Webinar Attended', 'Content Downloaded'], withinDays: 60 } },
    },
    { id: 'discovery' },
  ],
  segments: [
    {
      id: 'nurture',
      when: {
        all: [{ 'score.band': { in: ['cold', 'warm'] } }, { didNot: { event: 'any', withinDays: 30 } }],
      },
    },
    { id: 'analytics-interest', when: { 'score.group.web': { gte: 10 } } },
    { id: 'from-paid', when: { source: { in: ['paid_search', 'paid_social'] } } },
  ],
  accounts: {
    key: 'account_id',
    engagement: { rollup: 'sum', perContactMax: 30, max: 100 },
    committee: {
      engagedWhen: { 'score.engagement': { gte: 10 } },
      roles: [
        {
          id: 'economic-buyer',
          when: { job_title: { matches: 'chief|vp|vice president|head' } },
          points: 10,
        },
        { id: 'champion', when: { job_title: { matches: 'manager|lead' } }, points: 5 },
      ],
    },
  },
}
