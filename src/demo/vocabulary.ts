/**
 * The vocabulary of the demo data: job titles, departments, industries, countries, names,
 * sources, site paths, content and campaigns. Plain data; the weights are relative and
 * roughly follow what a B2B SaaS company selling to marketing and revenue teams sees in its
 * CRM (many marketers and engineers, few executives, a long tail of students and job seekers).
 * @module
 */

/** Splits a comma-separated list (line breaks allowed) into trimmed entries. */
function list(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

/** Seniority levels (the generator's hidden truth; the model sees only the messy job title). */
export const Seniority = {
  nonBuyer: 0,
  individual: 1,
  manager: 2,
  director: 3,
  vp: 4,
  executive: 5,
} as const
export type Seniority = (typeof Seniority)[keyof typeof Seniority]

/** Departments, with the CRM picklist value a form would store (or none). */
export const DEPARTMENTS = {
  marketing: 'Marketing',
  sales: 'Sales',
  revops: 'Revenue Operations',
  engineering: 'Engineering',
  product: 'Product',
  data: 'Data & Analytics',
  it: 'IT',
  finance: 'Finance',
  hr: 'Human Resources',
  success: 'Customer Success',
  operations: 'Operations',
  executive: 'Executive',
  education: undefined,
  other: 'Other',
} as const satisfies Record<string, string | undefined>
export type Department = keyof typeof DEPARTMENTS

/** How well each department matches the buyer of a marketing/revenue analytics product. */
export const DEPARTMENT_FIT: Readonly<Record<Department, number>> = {
  marketing: 0.9,
  sales: 0.6,
  revops: 1,
  engineering: 0.2,
  product: 0.35,
  data: 0.5,
  it: 0.2,
  finance: 0,
  hr: -0.3,
  success: 0.2,
  operations: 0.3,
  executive: 0.6,
  education: -0.5,
  other: 0,
}

/** Departments whose people read the docs more than the average visitor. */
export const TECHNICAL_DEPARTMENTS: ReadonlySet<Department> = new Set([
  'engineering',
  'product',
  'data',
  'it',
  'revops',
])

/** `[title, seniority, department, weight]`. Titles are written clean; the generator messes them up. */
export type TitleEntry = readonly [
  title: string,
  seniority: Seniority,
  department: Department,
  weight: number,
]

const S = Seniority
export const TITLES: readonly TitleEntry[] = [
  // marketing
  ['CMO', S.executive, 'marketing', 2.5],
  ['Chief Marketing Officer', S.executive, 'marketing', 2],
  ['VP Marketing', S.vp, 'marketing', 4],
  ['VP of Marketing', S.vp, 'marketing', 3],
  ['Vice President, Marketing', S.vp, 'marketing', 2],
  ['VP Demand Generation', S.vp, 'marketing', 1.5],
  ['SVP Marketing', S.vp, 'marketing', 1],
  ['VP Growth', S.vp, 'marketing', 1.5],
  ['Director of Marketing', S.director, 'marketing', 4],
  ['Marketing Director', S.director, 'marketing', 4],
  ['Head of Growth', S.director, 'marketing', 3],
  ['Head of Marketing', S.director, 'marketing', 4],
  ['Senior Director, Demand Generation', S.director, 'marketing', 1.5],
  ['Director, Marketing Operations', S.director, 'marketing', 2],
  ['Head of Demand Gen', S.director, 'marketing', 1.5],
  ['Director of Product Marketing', S.director, 'marketing', 1.5],
  ['Marketing Manager', S.manager, 'marketing', 8],
  ['Senior Marketing Manager', S.manager, 'marketing', 3],
  ['Demand Generation Manager', S.manager, 'marketing', 3],
  ['Marketing Operations Manager', S.manager, 'marketing', 4],
  ['Growth Lead', S.manager, 'marketing', 2],
  ['Content Marketing Manager', S.manager, 'marketing', 3],
  ['Product Marketing Manager', S.manager, 'marketing', 3],
  ['Digital Marketing Manager', S.manager, 'marketing', 3],
  ['Sr. Mgr, Marketing Ops', S.manager, 'marketing', 1.5],
  ['Email Marketing Manager', S.manager, 'marketing', 1.5],
  ['Campaign Manager', S.manager, 'marketing', 1.5],
  ['Marketing Specialist', S.individual, 'marketing', 5],
  ['Marketing Coordinator', S.individual, 'marketing', 4],
  ['Growth Marketer', S.individual, 'marketing', 3],
  ['Marketing Associate', S.individual, 'marketing', 2],
  ['Marketing Executive', S.individual, 'marketing', 2], // UK usage: a junior role
  ['Content Writer', S.individual, 'marketing', 2],
  ['SEO Specialist', S.individual, 'marketing', 2],
  ['Marketing Analyst', S.individual, 'marketing', 2],
  ['Marketing Consultant', S.individual, 'marketing', 1.5],
  // sales
  ['Chief Revenue Officer', S.executive, 'sales', 1.5],
  ['CRO', S.executive, 'sales', 1],
  ['VP Sales', S.vp, 'sales', 3],
  ['VP of Sales', S.vp, 'sales', 2],
  ['SVP, Global Sales', S.vp, 'sales', 1],
  ['Sales Director', S.director, 'sales', 3],
  ['Head of Sales', S.director, 'sales', 3],
  ['Regional Sales Director', S.director, 'sales', 1],
  ['Sales Manager', S.manager, 'sales', 5],
  ['SDR Manager', S.manager, 'sales', 1.5],
  ['Account Manager', S.manager, 'sales', 3],
  ['Sales Team Lead', S.manager, 'sales', 1],
  ['Account Executive', S.individual, 'sales', 5],
  ['Sales Development Representative', S.individual, 'sales', 3],
  ['SDR', S.individual, 'sales', 2],
  ['BDR', S.individual, 'sales', 1.5],
  ['Business Development Representative', S.individual, 'sales', 1.5],
  ['Sales Representative', S.individual, 'sales', 2],
  // revenue operations
  ['VP Revenue Operations', S.vp, 'revops', 1.5],
  ['Director of Revenue Operations', S.director, 'revops', 2],
  ['Head of RevOps', S.director, 'revops', 1.5],
  ['Head of Sales Operations', S.director, 'revops', 1],
  ['Revenue Operations Manager', S.manager, 'revops', 3],
  ['Sales Operations Manager', S.manager, 'revops', 2.5],
  ['RevOps Manager', S.manager, 'revops', 1.5],
  ['RevOps Analyst', S.individual, 'revops', 1.5],
  ['Sales Operations Analyst', S.individual, 'revops', 2],
  ['CRM Administrator', S.individual, 'revops', 2],
  ['Salesforce Admin', S.individual, 'revops', 2],
  // engineering
  ['CTO', S.executive, 'engineering', 3],
  ['Chief Technology Officer', S.executive, 'engineering', 1.5],
  ['CTO & Co-founder', S.executive, 'engineering', 1],
  ['VP Engineering', S.vp, 'engineering', 2],
  ['VP of Engineering', S.vp, 'engineering', 1],
  ['Director of Engineering', S.director, 'engineering', 1.5],
  ['Head of Engineering', S.director, 'engineering', 1.5],
  ['Engineering Manager', S.manager, 'engineering', 3],
  ['Tech Lead', S.manager, 'engineering', 2],
  ['Software Engineer', S.individual, 'engineering', 6],
  ['Senior Software Engineer', S.individual, 'engineering', 4],
  ['Developer', S.individual, 'engineering', 3],
  ['Full Stack Developer', S.individual, 'engineering', 2],
  ['Frontend Developer', S.individual, 'engineering', 1.5],
  ['Backend Engineer', S.individual, 'engineering', 1.5],
  ['DevOps Engineer', S.individual, 'engineering', 1.5],
  ['Solutions Architect', S.individual, 'engineering', 1.5],
  // product
  ['Chief Product Officer', S.executive, 'product', 1],
  ['VP Product', S.vp, 'product', 1.5],
  ['Head of Product', S.director, 'product', 2],
  ['Director of Product', S.director, 'product', 1.5],
  ['Product Manager', S.manager, 'product', 5],
  ['Senior Product Manager', S.manager, 'product', 2],
  ['Product Owner', S.individual, 'product', 2],
  ['Product Designer', S.individual, 'product', 2],
  ['UX Designer', S.individual, 'product', 1.5],
  // data
  ['Chief Data Officer', S.executive, 'data', 0.5],
  ['Head of Data', S.director, 'data', 1.5],
  ['Director of Analytics', S.director, 'data', 1.5],
  ['Head of BI', S.director, 'data', 1],
  ['Analytics Manager', S.manager, 'data', 2],
  ['Data Analyst', S.individual, 'data', 4],
  ['Data Scientist', S.individual, 'data', 3],
  ['Analytics Engineer', S.individual, 'data', 2],
  ['BI Analyst', S.individual, 'data', 2],
  // IT
  ['CIO', S.executive, 'it', 1],
  ['Chief Information Officer', S.executive, 'it', 0.5],
  ['IT Director', S.director, 'it', 1.5],
  ['Head of IT', S.director, 'it', 1.5],
  ['IT Manager', S.manager, 'it', 3],
  ['Systems Administrator', S.individual, 'it', 2],
  ['IT Specialist', S.individual, 'it', 1.5],
  // finance
  ['CFO', S.executive, 'finance', 1.5],
  ['Finance Director', S.director, 'finance', 1],
  ['Finance Manager', S.manager, 'finance', 1.5],
  ['Controller', S.manager, 'finance', 1],
  ['Accountant', S.individual, 'finance', 2],
  ['Financial Analyst', S.individual, 'finance', 1.5],
  // people
  ['Head of People', S.director, 'hr', 1],
  ['HR Manager', S.manager, 'hr', 2],
  ['Recruiter', S.individual, 'hr', 2],
  ['Talent Acquisition Specialist', S.individual, 'hr', 1.5],
  ['HR Generalist', S.individual, 'hr', 1.5],
  // customer success
  ['VP Customer Success', S.vp, 'success', 1],
  ['Head of Customer Success', S.director, 'success', 1],
  ['Customer Success Manager', S.manager, 'success', 3],
  ['Support Specialist', S.individual, 'success', 2],
  // general management
  ['CEO', S.executive, 'executive', 6],
  ['Chief Executive Officer', S.executive, 'executive', 2],
  ['Founder', S.executive, 'executive', 3],
  ['Co-Founder', S.executive, 'executive', 3],
  ['CEO & Co-founder', S.executive, 'executive', 2],
  ['Founder & CEO', S.executive, 'executive', 2],
  ['Owner', S.executive, 'executive', 3],
  ['President', S.executive, 'executive', 1.5],
  ['Managing Director', S.executive, 'executive', 2],
  ['COO', S.executive, 'executive', 1.5],
  ['General Manager', S.director, 'executive', 1.5],
  ['Partner', S.executive, 'executive', 1],
  ['Executive Assistant to the CEO', S.individual, 'executive', 1],
  // operations and the rest
  ['Director of Operations', S.director, 'operations', 1],
  ['Head of Operations', S.director, 'operations', 1],
  ['Operations Manager', S.manager, 'operations', 3],
  ['Project Manager', S.manager, 'operations', 3],
  ['Program Manager', S.manager, 'operations', 1.5],
  ['Office Manager', S.individual, 'operations', 1.5],
  ['Business Analyst', S.individual, 'operations', 2],
  ['Operations Coordinator', S.individual, 'operations', 1.5],
  ['Administrative Assistant', S.individual, 'operations', 1],
  ['Consultant', S.individual, 'other', 2],
  ['Freelance Consultant', S.individual, 'other', 1.5],
  ['Independent Consultant', S.individual, 'other', 1],
  // not buyers
  ['Student', S.nonBuyer, 'education', 3],
  ['MBA Student', S.nonBuyer, 'education', 1],
  ['Graduate Student', S.nonBuyer, 'education', 0.7],
  ['Intern', S.nonBuyer, 'education', 1.2],
  ['Marketing Intern', S.nonBuyer, 'marketing', 1.2],
  ['PhD Candidate', S.nonBuyer, 'education', 0.5],
  ['Professor', S.nonBuyer, 'education', 0.5],
  ['Teacher', S.nonBuyer, 'education', 0.5],
  ['Retired', S.nonBuyer, 'other', 0.4],
  ['Job Seeker', S.nonBuyer, 'other', 0.4],
  ['Looking for new opportunities', S.nonBuyer, 'other', 0.3],
]

/** Junk that people type into a required "job title" field. */
export const JUNK_TITLES: readonly string[] = [
  '-',
  'n/a',
  'N/A',
  'x',
  'na',
  '.',
  'Other',
  'asdf',
  'Employee',
  'Staff',
]

/** Abbreviations applied to clean titles (one at a time), as people and enrichment tools write them. */
export const TITLE_ABBREVIATIONS: readonly (readonly [from: string, to: string])[] = [
  ['Senior ', 'Sr. '],
  ['Senior ', 'Sr '],
  ['Manager', 'Mgr'],
  ['Director', 'Dir.'],
  ['Vice President', 'VP'],
  ['VP ', 'V.P. '],
  ['Marketing', 'Mktg'],
  ['Engineer', 'Eng.'],
  ['Operations', 'Ops'],
  ['Representative', 'Rep'],
  ['Development', 'Dev'],
  ['Demand Generation', 'Demand Gen'],
  [' of ', ' '],
  [' & ', ' and '],
  ['Head of ', 'Hd of '],
]

/** `[industry, weight, fit]`: a LinkedIn-style industry as enrichment stores it, and its fit (-1..1). */
export type IndustryEntry = readonly [
  name: string,
  weight: number,
  fit: number,
  selfReported: readonly string[],
]

export const INDUSTRIES: readonly IndustryEntry[] = [
  ['Computer Software', 14, 1, ['Software', 'SaaS', 'software', 'B2B SaaS', 'Tech']],
  ['Internet', 7, 0.8, ['Internet', 'Tech', 'Online services']],
  ['Information Technology & Services', 12, 0.8, ['IT Services', 'IT', 'Information Technology']],
  ['Financial Services', 8, 0.7, ['Financial Services', 'Fintech', 'Finance', 'Banking']],
  [
    'Marketing & Advertising',
    7,
    0.9,
    ['Marketing & Advertising', 'Advertising', 'Marketing Agency', 'Agency'],
  ],
  ['Retail', 6, 0.2, ['Retail', 'E-commerce', 'Ecommerce']],
  ['Hospital & Health Care', 6, 0.1, ['Healthcare', 'Health Care', 'Medical']],
  ['Manufacturing', 7, 0, ['Manufacturing', 'Industrial']],
  ['Telecommunications', 3, 0.3, ['Telecommunications', 'Telecom']],
  ['Online Media', 3, 0.4, ['Media', 'Publishing']],
  ['Management Consulting', 5, 0.2, ['Consulting', 'Management Consulting']],
  ['Real Estate', 3, -0.1, ['Real Estate', 'Property']],
  ['Insurance', 3, 0.2, ['Insurance']],
  ['Logistics & Supply Chain', 3, 0, ['Logistics', 'Transportation']],
  ['Higher Education', 3, -0.6, ['Education', 'Higher Education', 'University']],
  ['Education Management', 2, -0.5, ['Education', 'EdTech']],
  ['Government Administration', 2, -0.7, ['Government', 'Public Sector']],
  ['Non-Profit Organization Management', 2, -0.6, ['Non-profit', 'Nonprofit', 'NGO']],
  ['Hospitality', 2, -0.2, ['Hospitality', 'Travel']],
]

/** `[code, name, weight, fit, aliases, phone prefix, legal suffixes, top-level domains]`. */
export type CountryEntry = readonly [
  code: string,
  name: string,
  weight: number,
  fit: number,
  aliases: readonly string[],
  phone: string,
  legal: readonly string[],
  tlds: readonly string[],
]

export const COUNTRIES: readonly CountryEntry[] = [
  [
    'US',
    'United States',
    40,
    1,
    ['USA', 'U.S.', 'United States of America'],
    '+1',
    ['Inc.', 'LLC', 'Corp.'],
    ['com', 'io', 'co'],
  ],
  [
    'GB',
    'United Kingdom',
    9,
    1,
    ['UK', 'England', 'Great Britain'],
    '+44',
    ['Ltd', 'Limited', 'plc'],
    ['co.uk', 'com', 'io'],
  ],
  ['DE', 'Germany', 7, 0.8, ['Deutschland'], '+49', ['GmbH', 'AG'], ['de', 'com', 'io']],
  ['CA', 'Canada', 5, 1, [], '+1', ['Inc.', 'Ltd'], ['ca', 'com']],
  ['FR', 'France', 5, 0.7, [], '+33', ['SAS', 'SA'], ['fr', 'com']],
  ['NL', 'Netherlands', 3, 0.8, ['The Netherlands', 'Holland'], '+31', ['B.V.'], ['nl', 'com', 'io']],
  ['ES', 'Spain', 3, 0.6, ['España'], '+34', ['S.L.', 'S.A.'], ['es', 'com']],
  ['AU', 'Australia', 4, 0.9, [], '+61', ['Pty Ltd'], ['com.au', 'com']],
  ['IE', 'Ireland', 2, 0.9, [], '+353', ['Ltd', 'DAC'], ['ie', 'com']],
  ['SE', 'Sweden', 2, 0.8, [], '+46', ['AB'], ['se', 'com', 'io']],
  ['IN', 'India', 6, 0.1, [], '+91', ['Pvt Ltd', 'Private Limited'], ['in', 'com', 'co.in']],
  ['BR', 'Brazil', 3, 0.1, ['Brasil'], '+55', ['Ltda.', 'S.A.'], ['com.br', 'com']],
  ['SG', 'Singapore', 2, 0.6, [], '+65', ['Pte Ltd'], ['sg', 'com']],
  ['JP', 'Japan', 1, 0.4, [], '+81', ['K.K.'], ['jp', 'co.jp']],
  ['PL', 'Poland', 2, 0.3, ['Polska'], '+48', ['Sp. z o.o.'], ['pl', 'com']],
  ['IT', 'Italy', 2, 0.4, ['Italia'], '+39', ['S.r.l.', 'S.p.A.'], ['it', 'com']],
  ['CH', 'Switzerland', 1, 0.8, [], '+41', ['AG', 'GmbH'], ['ch', 'com']],
  ['IL', 'Israel', 1, 0.6, [], '+972', ['Ltd'], ['co.il', 'com', 'io']],
  ['MX', 'Mexico', 1.5, 0.1, ['México'], '+52', ['S.A. de C.V.'], ['mx', 'com']],
  ['ZA', 'South Africa', 1, 0.1, [], '+27', ['(Pty) Ltd'], ['co.za', 'com']],
  ['NG', 'Nigeria', 1, -0.2, [], '+234', ['Ltd'], ['ng', 'com']],
]

export const FIRST_NAMES: readonly string[] = list(`
  James, Mary, Robert, Patricia, John, Jennifer, Michael, Linda, David, Elizabeth, William, Barbara,
  Richard, Susan, Joseph, Jessica, Thomas, Sarah, Chris, Karen, Daniel, Lisa, Matthew, Nancy,
  Anthony, Sandra, Mark, Ashley, Steven, Emily, Andrew, Michelle, Josh, Amanda, Kevin, Melissa,
  Brian, Stephanie, Ryan, Rebecca, Jacob, Laura, Nicholas, Emma, Tyler, Olivia, Alex, Sophie, Sam,
  Hannah, Lukas, Anna, Jonas, Lea, Felix, Marie, Lucas, Camille, Hugo, Chloé, Javier, Lucía, Pablo,
  Sofía, Mateo, Valentina, Diego, Isabela, João, Ana, Priya, Rahul, Ananya, Arjun, Deepika, Vikram,
  Wei, Li, Hiroshi, Yuki, Mohammed, Fatima, Omar, Aisha, Chinedu, Ngozi, Kwame, Amara, Noa, Yael,
  Sean, Siobhan, Erik, Astrid, Piotr, Katarzyna, Giulia, Marco, Lars, Ingrid
`)

export const LAST_NAMES: readonly string[] = list(`
  Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, Hernandez,
  Lopez, Gonzalez, Wilson, Anderson, Thomas, Taylor, Moore, Jackson, Martin, Lee, Perez, Thompson,
  White, Harris, Sanchez, Clark, Ramirez, Lewis, Robinson, Walker, Young, Allen, King, Wright, Scott,
  Torres, Nguyen, Hill, Flores, Green, Adams, Nelson, Baker, Hall, Rivera, Campbell, Mitchell,
  Carter, Roberts, Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Dubois, Moreau,
  Laurent, Lefebvre, Fernández, González, Silva, Santos, Oliveira, Costa, Patel, Sharma, Singh,
  Kumar, Gupta, Wang, Zhang, Chen, Liu, Tanaka, Suzuki, Sato, Okafor, Adeyemi, Mensah, Cohen, Levi,
  O'Brien, Murphy, Kelly, Johansson, Andersson, Nowak, Kowalski, Rossi, Russo, Bianchi, Jansen,
  de Vries, van Dijk, Novak, Kim
`)

/** Parts of company names: prefix + core ("Northwind"), then a word chosen by industry. */
export const COMPANY_PREFIXES: readonly string[] = list(`
  North, Blue, Bright, Summit, Apex, Clear, Quant, Nova, Iron, Silver, Green, Red, Swift, True, Open,
  Cloud, Data, Peak, River, Stone, Lumen, Vertex, Orbit, Pixel, Signal, Harbor, Atlas, Beacon, Cedar,
  Delta, Echo, Falcon, Granite, Helix, Indigo, Juniper, Kite, Lattice, Maple, Nimbus, Onyx, Pioneer,
  Quill, Radiant, Sage, Tidal, Union, Vector, Willow, Zenith, Amber, Bold, Copper, Drift, Ember,
  Fern, Gold, Hollow, Ivory, Jade
`)
export const COMPANY_CORES: readonly string[] = list(`
  wind, works, stack, point, base, line, forge, logic, bit, flow, scale, path, mark, gate, field,
  light, wave, grid, sphere, loop, craft, shift, hub, bridge, spark, cast, view, crest, well, vale,
  ware, sense, nest, leaf, rock, port, deck, lane, beam, tree
`)
/** Name words by industry (same order as {@link INDUSTRIES}); '' means the bare name. */
export const COMPANY_WORDS: readonly (readonly string[])[] = [
  ['', 'Software', 'Labs', 'Analytics', 'AI'],
  ['', 'Digital', 'Online', 'Labs'],
  ['Technologies', 'Systems', 'Solutions', 'IT'],
  ['Capital', 'Financial', 'Pay', 'Bank'],
  ['Media', 'Agency', 'Creative', 'Marketing'],
  ['Retail', 'Stores', 'Shop', 'Brands'],
  ['Health', 'Medical', 'Care', 'Clinics'],
  ['Manufacturing', 'Industries', 'Components', 'Works'],
  ['Telecom', 'Networks', 'Communications'],
  ['Media', 'Publishing', 'News'],
  ['Consulting', 'Partners', 'Advisory', 'Group'],
  ['Properties', 'Realty', 'Estates'],
  ['Insurance', 'Mutual', 'Assurance'],
  ['Logistics', 'Freight', 'Shipping'],
  ['University', 'College', 'Institute'],
  ['Learning', 'Academy', 'Education'],
  ['County', 'Agency', 'Department'],
  ['Foundation', 'Trust', 'Alliance'],
  ['Hotels', 'Travel', 'Resorts'],
]

/** Free-mail domains: a person who fills a form with one of these is harder to tie to a company. */
export const PERSONAL_EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['gmail.com', 50],
  ['yahoo.com', 10],
  ['hotmail.com', 9],
  ['outlook.com', 9],
  ['icloud.com', 6],
  ['aol.com', 2],
  ['proton.me', 2],
  ['gmx.de', 3],
  ['web.de', 2],
  ['yahoo.co.uk', 2],
  ['live.com', 2],
  ['qq.com', 1],
]
export const UNIVERSITY_DOMAINS: readonly string[] = list(`
  stanford.edu, umich.edu, berkeley.edu, nyu.edu, utexas.edu, ox.ac.uk, ucl.ac.uk, asu.edu
`)

/** `[source, weight, intent shift, utm_source options, utm_medium]`. */
export type SourceEntry = readonly [
  source: string,
  weight: number,
  intent: number,
  utmSources: readonly string[],
  utmMedium: string | undefined,
]
export const SOURCES: readonly SourceEntry[] = [
  ['organic_search', 24, 0, [], undefined],
  ['paid_search', 13, 0.25, ['google', 'bing'], 'cpc'],
  ['paid_social', 10, -0.2, ['linkedin', 'facebook'], 'paid_social'],
  ['direct', 12, 0.1, [], undefined],
  ['referral', 6, 0.2, [], undefined],
  ['email', 7, 0, ['newsletter'], 'email'],
  ['event', 5, 0.3, ['saastr', 'inbound-conf'], 'event'],
  ['partner', 4, 0.5, ['agency-partner', 'hubspot-marketplace'], 'referral'],
  ['webinar', 5, 0.15, ['on24', 'zoom'], 'webinar'],
  ['content_syndication', 5, -0.4, ['techtarget', 'netline'], 'syndication'],
  ['review_site', 4, 0.6, ['g2', 'capterra'], 'referral'],
  ['outbound', 5, -0.1, ['outreach', 'apollo'], 'outbound'],
]
export const UTM_CAMPAIGNS: readonly string[] = [
  'brand-2026',
  'lead-scoring-guide',
  'attribution-webinar',
  'competitor-alt',
  'q4-pipeline',
  'abm-tier1',
  'retargeting',
  'free-trial',
  'state-of-revops-report',
  'roi-calculator',
]

/** BANT-style answers from the "contact sales" form. Ordered from low to high intent. */
export const BUDGETS: readonly string[] = ['No budget yet', 'Under $5k', '$5k-$25k', '$25k-$100k', '$100k+']
export const TIMELINES: readonly string[] = ['Just researching', 'This year', 'Next quarter', 'This quarter']

/** Site sections: `[section, paths]`. The generator weights sections per visitor. */
export const PAGE_SECTIONS = {
  home: ['/'],
  product: [
    '/product',
    '/product/lead-scoring',
    '/product/attribution',
    '/product/dashboards',
    '/integrations',
    '/integrations/salesforce',
    '/integrations/hubspot',
    '/integrations/segment',
    '/security',
  ],
  blog: [
    '/blog',
    '/blog/what-is-lead-scoring',
    '/blog/mql-vs-sql',
    '/blog/lead-scoring-models',
    '/blog/b2b-attribution-guide',
    '/blog/intent-data-101',
    '/blog/revops-metrics',
    '/blog/abm-playbook',
    '/blog/score-decay',
    '/blog/sales-handoff',
    '/blog/email-benchmarks-2026',
    '/blog/pipeline-forecasting',
    '/blog/buyer-journey-stages',
    '/blog/negative-scoring',
    '/blog/webinar-funnel',
    '/blog/hubspot-vs-salesforce',
  ],
  resources: [
    '/resources',
    '/resources/lead-scoring-template',
    '/resources/state-of-revops-2026',
    '/resources/roi-calculator',
    '/events',
    '/webinars',
  ],
  customers: [
    '/customers',
    '/customers/northwind',
    '/customers/apexworks',
    '/case-studies/bluepeak',
    '/case-studies/lumenlogic',
  ],
  pricing: ['/pricing', '/pricing', '/pricing', '/pricing/enterprise', '/pricing/compare'],
  docs: [
    '/docs',
    '/docs/getting-started',
    '/docs/api',
    '/docs/api/events',
    '/docs/integrations/segment',
    '/docs/integrations/salesforce',
    '/docs/models',
    '/docs/webhooks',
    '/docs/sso',
    '/docs/self-hosting',
    '/docs/changelog',
  ],
  company: ['/about', '/contact', '/partners', '/legal/privacy'],
  careers: [
    '/careers',
    '/careers/account-executive',
    '/careers/senior-engineer',
    '/careers/marketing-manager',
    '/careers/sdr',
  ],
  landing: [
    '/lp/lead-scoring',
    '/lp/free-trial',
    '/lp/demo',
    '/lp/competitor-alternative',
    '/lp/revops-report',
  ],
  app: ['/app', '/app/models', '/app/leads', '/app/settings'],
} as const satisfies Record<string, readonly string[]>
export type PageSection = keyof typeof PAGE_SECTIONS

export const CONTENT: readonly string[] = [
  'ebook-lead-scoring-101',
  'report-state-of-revops-2026',
  'template-scoring-model',
  'guide-b2b-attribution',
  'checklist-mql-handoff',
  'whitepaper-intent-data',
  'ebook-abm-playbook',
  'benchmark-email-2026',
  'guide-predictive-scoring',
  'template-sla-sales-marketing',
  'case-study-bluepeak',
  'datasheet-security',
]
export const FORMS: readonly (readonly [string, number])[] = [
  ['newsletter-signup', 35],
  ['contact-us', 15],
  ['event-signup', 12],
  ['roi-calculator', 10],
  ['content-gate', 20],
  ['partner-inquiry', 3],
]
export const VIDEOS: readonly string[] = [
  'product-tour',
  'lead-scoring-in-5-minutes',
  'customer-story-bluepeak',
  'webinar-replay-attribution',
  'integration-salesforce',
  'founder-keynote',
  'how-decay-works',
  'dashboard-walkthrough',
]
/** Video progress milestones players report, with relative frequencies. */
export const VIDEO_PERCENTS: readonly (readonly [number, number])[] = [
  [10, 30],
  [25, 20],
  [50, 14],
  [75, 12],
  [90, 8],
  [100, 16],
]
export const EMAIL_CAMPAIGNS: readonly string[] = [
  'newsletter',
  'product-update',
  'nurture-lead-scoring',
  'webinar-invite',
  'customer-stories',
  'event-invite',
]
export const EMAIL_LINKS: readonly string[] = [
  'cta-primary',
  'cta-secondary',
  'blog-post',
  'webinar-register',
  'pricing',
  'footer',
]
export const TRIAL_PLANS: readonly (readonly [string, number])[] = [
  ['growth', 6],
  ['business', 3],
  ['enterprise', 1],
]
