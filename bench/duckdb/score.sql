-- bench/model.yaml as one DuckDB query: one row per contact with
-- contact_id, fit, engagement, total, grade, level, label, band, stage.
--
-- It reads the relations `contacts`, `accounts` and `events` (views over the CSV files of
-- read.sql for the end-to-end run, in-memory tables for the compute-only run).
-- {{as_of_ms}} is the as-of time T in epoch milliseconds. The semantics are those of
-- docs/model-format.md, "Precise semantics":
-- * strings compare trimmed and case-insensitive: lower(trim(x)); `matches` is
--   regexp_matches(trim(x), re, 'i'); a missing (NULL) value matches nothing but notIn;
-- * events with ts > T do not exist; an event's age is (T - ts) in fractional days;
-- * half-life decay: exp(-age * ln 2 / h) (30 days by default, 45 for demo and trial);
-- * a `first` group gives each event (or contact) to its first matching rule only;
-- * `occurrences: first` keeps the earliest event; `distinct: p` the earliest event per
--   value of p (values trimmed and lower-cased; events without p share one value); only the
--   time of the kept event matters, so min(ts) is enough (ties by id give the same points);
-- * `window: { days: n }` drops events older than n days, after the selection;
-- * rule, group and part caps are least/greatest, the parts are clamped to [0, max], the
--   total to [0, 100];
-- * inactivity: -10 when no activity event (one matching a rule with positive points, in
--   whatever group it was scored) happened in the last 60 days, or never.
WITH
ev AS (
  SELECT
    contact_id,
    epoch_ms("timestamp") AS ts,
    -- the event, once per event: 1 page, 2 email opened, 3 email link clicked, ...
    CASE lower("event")
      WHEN 'page' THEN 1 WHEN 'email opened' THEN 2 WHEN 'email link clicked' THEN 3
      WHEN 'content downloaded' THEN 4 WHEN 'webinar attended' THEN 5
      WHEN 'video playback completed' THEN 6 WHEN 'form submitted' THEN 7
      WHEN 'demo requested' THEN 8 WHEN 'trial started' THEN 9 WHEN 'unsubscribed' THEN 10
      WHEN 'email bounced' THEN 11 ELSE 0
    END AS k,
    path, form_id, percent
  FROM events
  WHERE epoch_ms("timestamp") <= {{as_of_ms}}
),
pages AS (
  SELECT
    *,
    exp(-(({{as_of_ms}} - ts) / 86400000.0) * (ln(2) / 30)) AS d30,
    CASE WHEN k = 1 THEN trim(path) END AS p,
    lower(p) AS lp
  FROM ev
),
matched AS (
  SELECT
    contact_id, k, ts, d30, percent, form_id,
    -- web group (mode: first): 1 careers-page, 2 pricing-page, 3 docs-page, 4 page-view
    CASE WHEN k = 1 THEN
      CASE
        WHEN regexp_matches(p, '^/(careers|jobs)(/|$)', 'i') THEN 1
        WHEN starts_with(lp, '/pricing') THEN 2
        WHEN starts_with(lp, '/docs') THEN 3
        ELSE 4
      END
    END AS web,
    -- pricing-sprint (intent group, sum mode) has the `when` of pricing-page
    k = 1 AND coalesce(starts_with(lp, '/pricing'), false) AS pricing,
    -- form-submitted: form_id notIn [demo-request] (a missing form_id is not in the list)
    k = 7 AND (form_id IS NULL OR lower(trim(form_id)) <> 'demo-request') AS form
  FROM pages
),
per_contact AS (
  SELECT
    contact_id,
    sum(-3 * d30) FILTER (WHERE web = 1) AS careers_page,
    sum(8 * d30) FILTER (WHERE web = 2) AS pricing_page,
    sum(3 * d30) FILTER (WHERE web = 3) AS docs_page,
    sum(d30) FILTER (WHERE web = 4) AS page_view,
    sum(3 * d30) FILTER (WHERE k = 3) AS email_click,
    sum(10 * d30) FILTER (WHERE k = 5) AS webinar_attended,
    sum(4 * d30) FILTER (WHERE k = 6 AND percent >= 75) AS video_watched,
    sum(5 * d30) FILTER (WHERE form) AS form_submitted,
    min(ts) FILTER (WHERE k = 8) AS demo_ts,
    min(ts) FILTER (WHERE k = 9) AS trial_ts,
    sum(2 * d30) FILTER (WHERE pricing AND ts >= {{as_of_ms}} - 14 * 86400000::BIGINT) AS pricing_sprint,
    min(ts) FILTER (WHERE k = 10) AS unsubscribed_ts,
    min(ts) FILTER (WHERE k = 11) AS bounced_ts,
    -- activity: events matched by a rule with positive points, whatever group mode scored them
    max(ts) FILTER (WHERE k IN (1, 2, 3, 4, 5, 8, 9) OR (k = 6 AND percent >= 75) OR form) AS last_activity
  FROM matched
  GROUP BY contact_id
),
-- distinct rules (email-open per email_id, content-download per content_id): the earliest
-- event per contact and value. A second pass over the (few) matching events: cheaper than
-- grouping every event by (contact, value) or materializing `ev` for two readers.
per_value AS (
  SELECT
    contact_id,
    lower("event") = 'email opened' AS open,
    min(epoch_ms("timestamp")) AS ts
  FROM events
  WHERE lower("event") IN ('email opened', 'content downloaded')
    AND epoch_ms("timestamp") <= {{as_of_ms}}
  GROUP BY
    contact_id,
    lower("event") = 'email opened',
    lower(trim(CASE WHEN lower("event") = 'email opened' THEN email_id ELSE content_id END))
),
distinct_rules AS (
  SELECT
    contact_id,
    sum(exp(-(({{as_of_ms}} - ts) / 86400000.0) * (ln(2) / 30))) FILTER (WHERE open) AS email_open,
    sum(6 * exp(-(({{as_of_ms}} - ts) / 86400000.0) * (ln(2) / 30))) FILTER (WHERE NOT open) AS content_download
  FROM per_value
  GROUP BY contact_id
),
rules AS (
  SELECT
    p.contact_id,
    greatest(-12, coalesce(careers_page, 0)) AS careers_page,
    least(16, coalesce(pricing_page, 0)) AS pricing_page,
    least(9, coalesce(docs_page, 0)) AS docs_page,
    least(10, coalesce(page_view, 0)) AS page_view,
    least(5, coalesce(email_open, 0)) AS email_open,
    least(9, coalesce(email_click, 0)) AS email_click,
    least(18, coalesce(content_download, 0)) AS content_download,
    least(20, coalesce(webinar_attended, 0)) AS webinar_attended,
    least(12, coalesce(video_watched, 0)) AS video_watched,
    least(10, coalesce(form_submitted, 0)) AS form_submitted,
    coalesce(30 * exp(-(({{as_of_ms}} - demo_ts) / 86400000.0) * (ln(2) / 45)), 0) AS demo_request,
    coalesce(20 * exp(-(({{as_of_ms}} - trial_ts) / 86400000.0) * (ln(2) / 45)), 0) AS trial_started,
    least(6, coalesce(pricing_sprint, 0)) AS pricing_sprint,
    CASE WHEN unsubscribed_ts IS NOT NULL THEN -10 ELSE 0 END AS unsubscribed,
    -- first, then the window: a first bounce older than 180 days gives nothing
    CASE WHEN bounced_ts >= {{as_of_ms}} - 180 * 86400000::BIGINT THEN -10 ELSE 0 END AS email_bounced,
    last_activity
  FROM per_contact p
  LEFT JOIN distinct_rules d ON d.contact_id = p.contact_id  -- its contacts all have a row in per_contact
),
engagement AS (
  SELECT
    contact_id,
    least(60, greatest(0,
        least(20, careers_page + pricing_page + docs_page + page_view)      -- web
      + least(12, email_open + email_click)                                  -- email
      + least(25, content_download + webinar_attended + video_watched + form_submitted)  -- content
      + least(40, demo_request + trial_started + pricing_sprint)             -- intent
      + (unsubscribed + email_bounced)                                       -- negative
      + CASE WHEN last_activity >= {{as_of_ms}} - 60 * 86400000::BIGINT THEN 0 ELSE -10 END  -- inactivity
    )) AS engagement
  FROM rules
),
fit AS (
  SELECT
    c.contact_id,
    c.email,
    least(40, greatest(0,
      -- seniority (mode: first)
      CASE
        WHEN regexp_matches(trim(c.job_title), '\b(student|intern|internship|trainee|apprentice|teacher|professor|retired|unemployed|job ?seeker)\b', 'i') THEN -15
        WHEN regexp_matches(trim(c.job_title), '\b[se]?vp\b|\bv\.p\b|vice[ -]?president|\bhead\b|\bhd of\b', 'i') THEN 15
        WHEN regexp_matches(trim(c.job_title), '\bc[a-z]o\b|\bchief\b|\b(co-?)?founder\b|^owner\b|\bpresident\b|\bmanaging director\b', 'i') THEN 15
        WHEN regexp_matches(trim(c.job_title), '\bdir(ector)?\b|\bgeneral manager\b', 'i') THEN 12
        WHEN regexp_matches(trim(c.job_title), '\b(manager|mgr|manger|supervisor)\b|\blead\s*$', 'i') THEN 8
        ELSE 0
      END
      -- department (mode: first, max 8)
      + least(8, CASE
        WHEN lower(trim(c.department)) IN ('marketing', 'revenue operations', 'marketing operations', 'sales operations', 'growth')
          OR regexp_matches(trim(c.job_title), '\b(marketing|mktg|growth|demand|revops|revenue)\b', 'i') THEN 8
        WHEN lower(trim(c.department)) IN ('sales', 'business development') THEN 5
        WHEN lower(trim(c.department)) IN ('engineering', 'product', 'data & analytics', 'it') THEN 3
        ELSE 0
      END)
      -- company (sum, max 20)
      + least(20,
          CASE WHEN lower(trim(a.industry)) IN ('computer software', 'internet', 'information technology & services', 'financial services', 'marketing & advertising')
                 OR lower(trim(c.industry)) IN ('software', 'saas', 'b2b saas', 'tech', 'internet', 'it services', 'information technology', 'it', 'fintech', 'financial services', 'marketing & advertising')
               THEN 8 ELSE 0 END
        + CASE WHEN (a.employees >= 200 AND a.employees <= 5000) OR (c.employees >= 200 AND c.employees <= 5000) THEN 10 ELSE 0 END
        + CASE WHEN a.employees > 5000 OR c.employees > 5000 THEN 6 ELSE 0 END
        + CASE WHEN a.employees < 10 THEN -5 ELSE 0 END)
      -- market (sum)
      + CASE WHEN lower(trim(c.country)) IN ('us', 'usa', 'u.s.', 'united states', 'united states of america', 'ca', 'canada', 'gb', 'uk', 'united kingdom', 'de', 'germany', 'fr', 'france', 'nl', 'netherlands') THEN 4 ELSE 0 END
      + CASE WHEN regexp_matches(trim(c.email), '@(gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|aol|icloud|me|mac|proton|protonmail|gmx|web|mail|yandex|qq|163)\.', 'i') THEN -8 ELSE 0 END
    )) AS fit
  FROM contacts c
  LEFT JOIN accounts a ON a.account_id = c.account_id
),
scores AS (
  SELECT
    f.contact_id,
    f.email,
    f.fit,
    coalesce(e.engagement, 0) AS engagement,  -- no event: inactivity (-10), clamped to 0
    least(100, greatest(0, f.fit + coalesce(e.engagement, 0))) AS total,
    CASE WHEN f.fit >= 30 THEN 'A' WHEN f.fit >= 22 THEN 'B' WHEN f.fit >= 14 THEN 'C'
         WHEN f.fit >= 6 THEN 'D' ELSE 'F' END AS grade,
    CASE WHEN coalesce(e.engagement, 0) >= 35 THEN '1' WHEN coalesce(e.engagement, 0) >= 20 THEN '2'
         WHEN coalesce(e.engagement, 0) >= 8 THEN '3' ELSE '4' END AS level
  FROM fit f
  LEFT JOIN engagement e ON e.contact_id = f.contact_id
)
SELECT
  contact_id, fit, engagement, total, grade, level,
  grade || level AS label,
  CASE WHEN total >= 60 OR (total >= 45 AND grade = 'A') THEN 'hot'
       WHEN total >= 35 THEN 'warm'
       ELSE 'cold' END AS band,
  -- stateless: the highest automatic stage whose condition holds, else the first stage
  CASE WHEN total >= 55 AND grade IN ('A', 'B', 'C') THEN 'mql'
       WHEN email IS NOT NULL AND (engagement >= 5 OR fit >= 14) THEN 'lead'
       ELSE 'subscriber' END AS stage
FROM scores
