-- A grocery chain's receipts, for the analysis skills' end-to-end tests (test_skills.c): a
-- second domain with its own names (receiptNo, sku, member_no, line_amount, receipt_total),
-- no dbt project, one schema. Deterministic (row numbers and modular arithmetic only):
--   mdp --warehouse W query --write -f tests/e2e/data/grocery.sql
--
-- What is planted, and what the tests assert by computing it again in their own SQL:
--   shop.receipt_lines  one row per line_id; receiptNo repeats over a receipt's 1-4 lines (a
--                       group key); the till of store 4 was reset, so receipts 3801..4000
--                       reuse the numbers 1..200 on other days (a basket is receiptNo + store
--                       + time); receipt_total is the receipt's amount on every line; every
--                       fifth receipt has bread (SKU-0003) and butter (SKU-0004) together;
--                       SKU-0001 and SKU-0041 are both named 'Milk 1L'; the lines of
--                       2024-03-15 carry ten times their amount (an anomaly); 12 lines are
--                       returns with a negative amount; 5 lines are loaded twice.
--   shop.members        the loyalty card holders; a receipt has a member_no 4 times in 5.
--   shop.articles       one row per sku, named by item_description.
--   shop.stores         one row per store_no.
CREATE SCHEMA IF NOT EXISTS shop;

CREATE OR REPLACE TABLE shop.stores AS
SELECT s AS store_no, ['Northgate', 'Riverside', 'Old Town', 'Harbour'][s] AS store_name,
       ['Leeds', 'York', 'Bath', 'Hull'][s] AS city
FROM range(1, 5) t(s);

CREATE OR REPLACE TABLE shop.articles AS
SELECT 'SKU-' || lpad(CAST(i AS VARCHAR), 4, '0') AS sku,
       CASE WHEN i IN (1, 41) THEN 'Milk 1L'
            WHEN i = 3 THEN 'Sourdough Bread'
            WHEN i = 4 THEN 'Salted Butter'
            ELSE ['Apples', 'Bananas', 'Rice', 'Pasta', 'Tomatoes', 'Cheddar', 'Yoghurt', 'Eggs',
                  'Coffee', 'Tea'][1 + i % 10] || ' ' || i END AS item_description,
       ['Dairy', 'Bakery', 'Produce', 'Pantry', 'Drinks'][1 + i % 5] AS department,
       CAST(0.5 + (i * 37 % 50) / 10.0 AS DECIMAL(8, 2)) AS shelf_price
FROM range(1, 42) t(i);

CREATE OR REPLACE TABLE shop.members AS
SELECT m AS member_no, 'Member ' || m AS full_name, 'm' || m || '@example.org' AS email,
       ['bronze', 'silver', 'gold'][1 + m % 3] AS loyalty_tier,
       DATE '2023-01-01' + INTERVAL (m % 365) DAY AS joined_on
FROM range(1, 601) t(m);

CREATE OR REPLACE TABLE shop.receipt_lines AS
WITH receipts AS (
  SELECT r,
         CASE WHEN r > 3800 THEN r - 3800 ELSE r END AS "receiptNo",
         CASE WHEN r > 3800 THEN 4 ELSE 1 + r % 3 END AS store_no,
         CASE WHEN r % 5 = 4 THEN NULL ELSE 1 + (r * 17) % 500 END AS member_no,
         TIMESTAMP '2024-01-01 08:00:00' + INTERVAL ((r - 1) % 182) DAY
           + INTERVAL (r * 7 % 600) MINUTE AS sold_at,
         1 + (r * 7) % 4 AS nlines
  FROM range(1, 4001) t(r)),
lines AS (
  SELECT r, l, "receiptNo", store_no, member_no, sold_at,
         CASE WHEN r % 5 = 0 AND l = 1 THEN 3
              WHEN r % 5 = 0 AND l = 2 THEN 4
              ELSE 1 + (r * 13 + l * 29) % 41 END AS item,
         1 + (r + l) % 3 AS qty
  FROM receipts, range(1, 5) u(l)
  WHERE l <= CASE WHEN r % 5 = 0 THEN greatest(nlines, 2) ELSE nlines END),
priced AS (
  SELECT lines.*, 'SKU-' || lpad(CAST(item AS VARCHAR), 4, '0') AS sku,
         CAST(qty * a.shelf_price * CASE WHEN (r * 31 + l) % 400 = 7 THEN -1 ELSE 1 END
              * CASE WHEN CAST(sold_at AS DATE) = DATE '2024-03-15' THEN 10 ELSE 1 END
              AS DECIMAL(10, 2)) AS line_amount
  FROM lines JOIN shop.articles a ON a.sku = 'SKU-' || lpad(CAST(item AS VARCHAR), 4, '0'))
SELECT row_number() OVER (ORDER BY r, l) AS line_id, "receiptNo", store_no, member_no, sold_at,
       sku, qty, line_amount,
       CAST(sum(line_amount) OVER (PARTITION BY r) AS DECIMAL(12, 2)) AS receipt_total
FROM priced;

INSERT INTO shop.receipt_lines
SELECT * FROM shop.receipt_lines WHERE line_id IN (100, 200, 300, 400, 500);
