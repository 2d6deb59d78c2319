-- A SaaS company's accounts, subscriptions and invoices, for the catalog's end-to-end tests
-- (test_catalog.c). Two layers and no dbt project: base tables in schema src, and views in
-- schema analytics whose definitions are the only lineage there is. Deterministic (row numbers
-- and modular arithmetic only); loads in well under a second:
--   mdp --warehouse W query --write -f tests/e2e/data/saas.sql
--
-- What an analyst should conclude (and what the tests assert, computing the numbers in SQL):
--   src.plans          one row per plan_id (text); tier is a dimension of four values;
--                      "Seats Included" is a Title Case name.
--   src.accounts       one row per account_id; "billingCountry" (camelCase) holds two-letter
--                      country codes: geography and a dimension; owner_email is personal data;
--                      churned is a yes/no flag; signup_date is a date.
--   src.subscriptions  one row per subscription_id; account_id and plan_id reference their
--                      tables; mrr is money (sum); "Seats Purchased" is a count (sum);
--                      discount_rate is a fraction in 0..1 (average it: a sum of rates means
--                      nothing); ended_on is NULL while a subscription runs, and holds the
--                      scheduled end of annual contracts, some of which may be after today.
--   src.invoices       one row per invoice_id, referencing the account and subscription.
--   src.invoice_lines  one row per line_id. invoice_id repeats over an invoice's 1-4 lines: it
--                      is a group key, and ALSO a foreign key to src.invoices (roles are a set;
--                      both are true, and an analyst needs both: "join to invoices" and "one
--                      invoice, several lines"). invoice_total is the invoice's amount copied
--                      onto each of its lines (repeated within invoice_id: summing it over lines
--                      counts an invoice several times), while line_amount belongs to the line.
--   analytics.accounts_clean  VIEW cleaning one source (src.accounts): the staging layer.
--   analytics.invoice_facts   VIEW joining lines, invoices and analytics.accounts_clean: one row
--                      per line_id, a fact table (the mart layer), two steps from src; its
--                      invoice_id is again a group key with invoice_total repeated within it.
--   analytics.mrr_by_tier     TABLE made by CREATE TABLE AS (no definition kept, so no
--                      lineage): one row per tier, so tier is its key.
CREATE SCHEMA IF NOT EXISTS src;
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE OR REPLACE TABLE src.plans AS
SELECT lower(tier) || '-' || period AS plan_id,
       tier,
       period AS billing_period,
       CAST(CASE period WHEN 'monthly' THEN price ELSE price * 10 END AS DECIMAL(10, 2)) AS list_price,
       seats AS "Seats Included"
FROM (VALUES ('Starter', 29, 3), ('Growth', 99, 10), ('Scale', 299, 25),
             ('Enterprise', 999, 100)) p(tier, price, seats),
     (VALUES ('monthly'), ('annual')) b(period);

CREATE OR REPLACE TABLE src.accounts AS
SELECT i AS account_id,
       ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne',
        'Soylent', 'Hooli', 'Vandelay', 'Wonka'][1 + i % 12] || ' ' ||
         ['Labs', 'Systems', 'Group', 'Holdings', 'Analytics', 'Logistics', 'Foods'][1 + (i * 5) % 7] ||
         ' ' || i AS company_name,
       ['US', 'US', 'US', 'GB', 'DE', 'FR', 'CA', 'AU', 'NL', 'SE', 'US', 'GB', 'DE', 'JP'][1 + (i * 5) % 14]
         AS "billingCountry",
       ['Software', 'Retail', 'Healthcare', 'Finance', 'Education', 'Manufacturing'][1 + (i * 11) % 6]
         AS industry,
       CAST(DATE '2021-01-04' + INTERVAL ((i * 53) % 1500) DAY AS DATE) AS signup_date,
       'billing@' || lower(['acme', 'globex', 'initech', 'umbrella', 'stark', 'wayne', 'tyrell',
                            'cyberdyne', 'soylent', 'hooli', 'vandelay', 'wonka'][1 + i % 12]) ||
         i || '.example.com' AS owner_email,
       i % 6 = 0 AS churned
FROM range(1, 501) t(i);

CREATE OR REPLACE TABLE src.subscriptions AS
WITH s AS (
  SELECT j,
         1 + (j * 7) % 500 AS account_id,
         ['starter-monthly', 'starter-monthly', 'growth-monthly', 'growth-annual', 'scale-monthly',
          'scale-annual', 'enterprise-annual', 'starter-annual'][1 + (j * 3) % 8] AS plan_id,
         CAST(DATE '2022-01-01' + INTERVAL ((j * 41) % 1000) DAY AS DATE) AS started_on
  FROM range(1, 701) t(j)
)
SELECT j AS subscription_id,
       s.account_id,
       s.plan_id,
       started_on,
       CASE WHEN a.churned THEN started_on + CAST(200 + j % 100 AS INTEGER)
            WHEN p.billing_period = 'annual' AND j % 5 = 0 THEN CAST(started_on + INTERVAL 3 YEAR AS DATE)
            END AS ended_on,
       CASE WHEN a.churned THEN 'cancelled' WHEN j % 23 = 0 THEN 'trialing' ELSE 'active' END AS status,
       CAST(1 + (j * 13) % 40 AS INTEGER) AS "Seats Purchased",
       CAST([0.0, 0.0, 0.05, 0.1, 0.0, 0.15, 0.2, 0.25][1 + (j * 5) % 8] AS DOUBLE) AS discount_rate,
       CAST(round((CASE WHEN p.billing_period = 'annual' THEN p.list_price / 12 ELSE p.list_price END)
                  * (1 + ((j * 13) % 40) / 10.0)
                  * (1 - [0.0, 0.0, 0.05, 0.1, 0.0, 0.15, 0.2, 0.25][1 + (j * 5) % 8]), 2)
            AS DECIMAL(10, 2)) AS mrr
FROM s JOIN src.accounts a USING (account_id) JOIN src.plans p USING (plan_id)
ORDER BY subscription_id;

-- Invoice lines first: an invoice's total is the sum of its lines.
CREATE OR REPLACE TABLE src.invoices AS
SELECT k AS invoice_id,
       1 + (k * 7) % 700 AS subscription_id,
       TIMESTAMP '2024-01-01 06:00:00' + INTERVAL ((k * 17) % 547) DAY + INTERVAL (k % 12) HOUR AS issued_at,
       ['paid', 'paid', 'paid', 'open', 'void'][1 + k % 5] AS status
FROM range(1, 1501) t(k);

CREATE OR REPLACE TABLE src.invoice_lines AS
WITH l AS (
  SELECT i.invoice_id, n,
         ['Subscription', 'Extra seats', 'Support add-on', 'Usage overage'][1 + n] AS item,
         CAST(CASE WHEN n = 0 THEN 1 ELSE 1 + (i.invoice_id * (n + 3)) % 9 END AS INTEGER) AS quantity,
         CAST(CASE n WHEN 0 THEN s.mrr WHEN 1 THEN 12 WHEN 2 THEN 49 ELSE 0.35 END AS DECIMAL(10, 2))
           AS unit_amount
  FROM src.invoices i JOIN src.subscriptions s USING (subscription_id),
       range([1, 1, 2, 2, 3, 4][1 + i.invoice_id % 6]) r(n)
)
SELECT CAST(row_number() OVER (ORDER BY invoice_id, n) AS BIGINT) AS line_id,
       invoice_id,
       CAST(n + 1 AS INTEGER) AS line_no,
       item,
       quantity,
       unit_amount,
       CAST(quantity * unit_amount AS DECIMAL(12, 2)) AS line_amount,
       CAST(sum(quantity * unit_amount) OVER (PARTITION BY invoice_id) AS DECIMAL(12, 2)) AS invoice_total
FROM l
ORDER BY line_id;

CREATE OR REPLACE TABLE src.invoices AS
SELECT i.invoice_id, s.account_id, i.subscription_id, i.issued_at,
       CAST(i.issued_at AS DATE) + 30 AS due_date,
       i.status,
       t.invoice_total
FROM src.invoices i
JOIN src.subscriptions s USING (subscription_id)
JOIN (SELECT DISTINCT invoice_id, invoice_total FROM src.invoice_lines) t USING (invoice_id)
ORDER BY invoice_id;

CREATE OR REPLACE VIEW analytics.accounts_clean AS
SELECT account_id,
       trim(company_name) AS company_name,
       upper("billingCountry") AS "billingCountry",
       industry,
       signup_date,
       churned
FROM src.accounts;

CREATE OR REPLACE VIEW analytics.invoice_facts AS
SELECT l.line_id,
       l.invoice_id,
       i.issued_at,
       i.status AS invoice_status,
       i.account_id,
       a.company_name,
       a."billingCountry",
       a.industry,
       l.item,
       l.quantity,
       l.unit_amount,
       l.line_amount,
       l.invoice_total
FROM src.invoice_lines AS l
JOIN src.invoices AS i ON i.invoice_id = l.invoice_id
JOIN analytics.accounts_clean AS a ON a.account_id = i.account_id;

CREATE OR REPLACE TABLE analytics.mrr_by_tier AS
SELECT p.tier,
       count(*) AS active_subscriptions,
       sum(s.mrr) AS total_mrr
FROM src.subscriptions s JOIN src.plans p USING (plan_id)
WHERE s.status = 'active'
GROUP BY p.tier
ORDER BY p.tier;
