-- The three CSV files of bench/generate-data.ts as DuckDB views, with explicit column types
-- (no type sniffing). {{contacts}}, {{accounts}} and {{events}} are the file paths.
-- Empty cells are NULL, which is how leadscore reads them too (an empty cell is an absent
-- property). Times are ISO-8601 with an offset ('Z'); read as TIMESTAMPTZ, so any offset counts.
-- Numbers the model compares (employees, percent) are DOUBLE: a cell that is not a number
-- makes the read fail here, where leadscore would treat it as "not a number, never matches".
CREATE OR REPLACE VIEW contacts_csv AS
SELECT * FROM read_csv('{{contacts}}',
  header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
  columns = {
    'contact_id': 'VARCHAR', 'account_id': 'VARCHAR', 'email': 'VARCHAR',
    'first_name': 'VARCHAR', 'last_name': 'VARCHAR', 'job_title': 'VARCHAR',
    'department': 'VARCHAR', 'company': 'VARCHAR', 'industry': 'VARCHAR',
    'employees': 'DOUBLE', 'country': 'VARCHAR', 'phone': 'VARCHAR', 'source': 'VARCHAR',
    'utm_source': 'VARCHAR', 'utm_medium': 'VARCHAR', 'utm_campaign': 'VARCHAR',
    'budget': 'VARCHAR', 'purchase_timeline': 'VARCHAR', 'email_opt_in': 'BOOLEAN',
    'created_at': 'TIMESTAMPTZ'
  });

CREATE OR REPLACE VIEW accounts_csv AS
SELECT * FROM read_csv('{{accounts}}',
  header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
  columns = {
    'account_id': 'VARCHAR', 'name': 'VARCHAR', 'domain': 'VARCHAR', 'industry': 'VARCHAR',
    'employees': 'DOUBLE', 'country': 'VARCHAR'
  });

CREATE OR REPLACE VIEW events_csv AS
SELECT * FROM read_csv('{{events}}',
  header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
  columns = {
    'event_id': 'VARCHAR', 'contact_id': 'VARCHAR', 'event': 'VARCHAR',
    'timestamp': 'TIMESTAMPTZ', 'path': 'VARCHAR', 'email_id': 'VARCHAR',
    'campaign_id': 'VARCHAR', 'link_id': 'VARCHAR', 'form_id': 'VARCHAR',
    'content_id': 'VARCHAR', 'webinar_id': 'VARCHAR', 'video_id': 'VARCHAR',
    'percent': 'DOUBLE', 'trial_plan_name': 'VARCHAR'
  });
