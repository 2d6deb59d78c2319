-- A small stand-in for the sample platform's marts (ecommerce-data.md): the same schemas,
-- tables, columns and types, a few hundred deterministic rows covering 2023-2024, every
-- status, category, segment and discount code, orders mixing categories, a customer first
-- ordering in November 2024 and again in December, and some NULLs; and the two staging views
-- that no mart covers (page views and campaigns), read by the funnel and ROAS cases. Used to
-- prove that every verification_sql in share/sample-platform/evals/cases.yml binds and returns
-- a row.
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS staging;

CREATE OR REPLACE TABLE marts.dim_customers AS
SELECT i AS user_id,
       CASE WHEN i % 17 = 0 THEN NULL ELSE 'user' || i || '@example.com' END AS email,
       'First' || i AS first_name,
       'Last' || i AS last_name,
       CASE WHEN i % 11 = 0 THEN NULL ELSE ['Austin', 'Boston', 'Chicago', 'Denver'][1 + i % 4] END AS city,
       CASE WHEN i % 11 = 0 THEN NULL ELSE ['TX', 'MA', 'IL', 'CO'][1 + i % 4] END AS state,
       CAST(CASE WHEN i % 13 = 0 THEN NULL ELSE 18 + (i * 7) % 57 END AS INTEGER) AS age,
       ['high_value', 'medium_value', 'medium_value', 'low_value', 'low_value', 'low_value',
        'churned'][1 + i % 7] AS customer_segment,
       TIMESTAMP '2022-01-01' + INTERVAL (i) DAY AS created_at,
       TIMESTAMP '2022-01-01' + INTERVAL (i + 30) DAY AS last_login
FROM range(1, 61) t(i);

CREATE OR REPLACE TABLE marts.dim_products AS
SELECT i AS product_id,
       ['ProBrand', 'ValueCo', 'Premium', 'EcoGoods'][1 + i % 4] || ' ' ||
         ['Laptop', 'Shirt', 'Lamp', 'Ball', 'Novel'][1 + i % 5] AS product_name,
       CASE WHEN i % 9 = 0 THEN NULL ELSE ['ProBrand', 'ValueCo', 'Premium', 'EcoGoods'][1 + i % 4] END AS brand,
       ['Electronics', 'Clothing', 'Home & Garden', 'Sports', 'Books'][1 + i % 5] AS category,
       CAST(10 + (i * 37) % 400 AS DOUBLE) + 0.99 AS price,
       CAST(5 + (i * 23) % 200 AS DOUBLE) AS cost,
       CAST(CASE WHEN i % 10 = 0 THEN NULL ELSE (i * 41) % 500 END AS INTEGER) AS stock_quantity,
       TIMESTAMP '2020-06-01' + INTERVAL (i * 10) DAY AS created_at,
       TIMESTAMP '2024-06-01' AS updated_at
FROM range(1, 21) t(i);
ALTER TABLE marts.dim_products ADD COLUMN margin DOUBLE;
UPDATE marts.dim_products SET margin = price - cost;

CREATE OR REPLACE TABLE marts.fct_orders AS
WITH orders AS (
  SELECT o,
         'TXN' || lpad(CAST(o AS VARCHAR), 6, '0') AS transaction_id,
         CASE WHEN o > 295 THEN TIMESTAMP '2024-11-05 10:00:00' + INTERVAL ((o - 296) * 10) DAY
              ELSE TIMESTAMP '2023-01-01 09:00:00' + INTERVAL (o * 37 % 731) DAY
                   + INTERVAL (o % 12) HOUR END
           AS transaction_date,
         ['completed', 'completed', 'completed', 'completed', 'completed', 'completed',
          'completed', 'pending', 'cancelled', 'refunded'][1 + o % 10] AS status,
         CASE WHEN o % 19 = 0 THEN NULL ELSE ['credit_card', 'paypal', 'debit_card'][1 + o % 3] END
           AS payment_method,
         CASE WHEN o > 295 THEN 60 ELSE 1 + (o * 7) % 50 END AS user_id,
         1 + o % 3 AS items,
         CASE WHEN o % 8 = 0 THEN ['SAVE10', 'WELCOME', 'FLASH20', 'VIP15'][1 + o % 4] END AS discount_code
  FROM range(1, 301) t(o)),
lines AS (
  SELECT orders.*, l, 1 + (o * 3 + l * 7) % 20 AS product_id
  FROM orders, range(items) r(l))
SELECT l.transaction_id, l.transaction_date, l.status, l.payment_method, l.user_id,
       c.email AS customer_email, c.first_name AS customer_first_name,
       c.last_name AS customer_last_name, c.customer_segment, c.city AS customer_city,
       c.state AS customer_state, l.product_id, p.product_name, p.brand, p.category,
       p.cost AS product_cost, CAST(1 AS INTEGER) AS quantity, p.price AS unit_price,
       sum(p.price) OVER w AS subtotal,
       round(0.08 * sum(p.price) OVER w, 2) AS tax,
       CASE WHEN sum(p.price) OVER w > 50 THEN 0 ELSE 8 END AS shipping,
       CASE WHEN l.discount_code IS NULL THEN 0 ELSE round(0.1 * sum(p.price) OVER w, 2) END
         AS discount,
       l.discount_code,
       round(1.08 * sum(p.price) OVER w
             + CASE WHEN sum(p.price) OVER w > 50 THEN 0 ELSE 8 END
             - CASE WHEN l.discount_code IS NULL THEN 0 ELSE 0.1 * sum(p.price) OVER w END, 2)
         AS total,
       CAST(NULL AS DOUBLE) AS line_margin,
       l.discount_code IS NOT NULL AS is_discounted,
       CASE WHEN l.o % 4 = 0 THEN 1000 + l.o % 7 END AS campaign_id,
       CASE WHEN l.o % 4 = 0 THEN 'Social Media - Facebook - Jan2024' END AS campaign_name,
       CASE WHEN l.o % 4 = 0 THEN ['Social Media', 'Search', 'Email'][1 + l.o % 3] END
         AS campaign_type,
       CASE WHEN l.o % 4 = 0 THEN 'Facebook' END AS campaign_platform,
       CASE WHEN l.o % 4 = 0 THEN 1234.5 END AS campaign_spend,
       l.transaction_date AS created_at
FROM lines l
LEFT JOIN marts.dim_customers c ON c.user_id = l.user_id
LEFT JOIN marts.dim_products p ON p.product_id = l.product_id
WINDOW w AS (PARTITION BY l.transaction_id);
UPDATE marts.fct_orders SET line_margin = total - product_cost * quantity;

CREATE OR REPLACE TABLE staging.stg_campaigns AS
SELECT 1000 + i AS campaign_id,
       ['Social Media', 'Search', 'Email'][1 + i % 3] || ' - Jan2024 - ' || i AS campaign_name,
       ['Social Media', 'Search', 'Email'][1 + i % 3] AS campaign_type,
       ['Facebook', 'Google', 'Mailchimp'][1 + i % 3] AS platform,
       1 + i AS product_id,
       DATE '2024-01-01' + INTERVAL (i * 20) DAY AS start_date,
       DATE '2024-02-01' + INTERVAL (i * 20) DAY AS end_date,
       CAST(5000 + i * 250 AS DECIMAL(14, 2)) AS budget,
       CAST(CASE WHEN i = 3 THEN NULL ELSE 4000 + i * 300 END AS DECIMAL(14, 2)) AS actual_spend,
       CAST(10000 + i * 1000 AS BIGINT) AS impressions,
       CAST(300 + i * 20 AS BIGINT) AS clicks,
       TIMESTAMP '2023-12-01' + INTERVAL (i) DAY AS created_at
FROM range(0, 7) t(i);

CREATE OR REPLACE TABLE staging.stg_pageviews AS
SELECT e AS event_id,
       TIMESTAMP '2024-01-01 08:00:00' + INTERVAL (e * 13) MINUTE AS event_time,
       CAST(1 + e % 50 AS BIGINT) AS user_id,
       'S' || lpad(CAST(e // 4 AS VARCHAR), 5, '0') AS session_id,
       ['home', 'category', 'product_detail', 'cart', 'checkout', 'search', 'account'][1 + e % 7]
         AS page_type,
       CAST(CASE WHEN e % 7 = 2 THEN 1 + e % 20 END AS BIGINT) AS product_id,
       CAST(CASE WHEN e % 5 = 0 THEN 1000 + e % 7 END AS BIGINT) AS campaign_id,
       ['desktop', 'mobile', 'tablet'][1 + e % 3] AS device,
       ['Chrome', 'Safari', 'Firefox'][1 + e % 3] AS browser,
       CAST(30 + (e * 17) % 600 AS INTEGER) AS session_duration_seconds
FROM range(1, 401) t(e);
