-- A public library's lending records, for the catalog's end-to-end tests (test_catalog.c).
-- Deterministic: every value comes from row numbers and modular arithmetic (no random(), no
-- hash(), whose values may change between DuckDB versions). Loads in well under a second:
--   mdp --warehouse W query --write -f tests/e2e/data/library.sql
--
-- What an analyst should conclude (and what the tests assert, computing the numbers in SQL):
--   raw.branches  one row per branch_id; city and state (two-letter codes) are geography;
--                 opened_on is a date.
--   raw.members   one row per member_id; email (some shared by a household, some missing) and
--                 full_name are personal data; birth_year is a year (time), not a quantity to
--                 sum; membership_type is a dimension with four values.
--   raw.books     one row per isbn (text codes '978-...'); titles repeat (editions), so the
--                 title is not a key; genre is a dimension; published_year is a year;
--                 page_count is a measure; summary is long, mostly distinct free text.
--   raw.loans     one row per loan_id (one book lent once). A checkout (checkout_id) lends
--                 1 to 4 books to one member at one branch at one moment: checkout_id is a
--                 group key, referencing no table, and member_id, branch_id, loaned_at and
--                 due_on are constant within it, while isbn, returned_on and late_fee vary.
--                 member_id and branch_id reference their tables fully; isbn references
--                 raw.books except for a handful of withdrawn books (containment ~0.98).
--                 loaned_at's latest past value is on 2025-06-30; about 1% of the loans
--                 (checkouts c % 100 = 0) carry a clock error in 2031 and are in the future.
--                 returned_on is NULL for ~15% of the loans (not back yet); late_fee is money
--                 (sum); is_renewed is a yes/no flag.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE OR REPLACE TABLE raw.branches AS
SELECT i AS branch_id,
       ['Central Library', 'Riverside', 'Oak Park', 'Hillcrest', 'Harbor View',
        'Maple Grove'][i] AS name,
       ['Springfield', 'Springfield', 'Portland', 'Portland', 'Madison', 'Salem'][i] AS city,
       ['IL', 'IL', 'OR', 'OR', 'WI', 'OR'][i] AS state,
       CAST(DATE '1962-04-01' + INTERVAL (i * 2311) DAY AS DATE) AS opened_on
FROM range(1, 7) t(i);

CREATE OR REPLACE TABLE raw.members AS
WITH m AS (
  SELECT i,
         ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret',
          'Ken', 'Radia', 'Dennis', 'Hedy', 'Linus', 'Katherine', 'Tim', 'Sophie', 'Niklaus',
          'Joan', 'Claude'][1 + i % 20] AS first_name,
         -- 80 distinct names over 400 members: names repeat, so full_name is no key
         ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'McCarthy',
          'Hamilton', 'Thompson', 'Perlman', 'Ritchie', 'Lamarr', 'Torvalds', 'Johnson',
          'Shannon'][1 + (i * 7) % 16] AS last_name
  FROM range(1, 401) t(i)
)
SELECT 10000 + i AS member_id,
       CASE WHEN i % 33 = 0 THEN NULL
            -- households: every 25th member shares the previous member's address
            WHEN i % 25 = 0 THEN lower(first_name) || '.' || lower(last_name) || (i - 1) || '@mail.example.org'
            ELSE lower(first_name) || '.' || lower(last_name) || i || '@mail.example.org' END AS email,
       first_name || ' ' || last_name AS full_name,
       CAST(DATE '2015-01-01' + INTERVAL ((i * 37) % 3650) DAY AS DATE) AS join_date,
       CAST(1940 + (i * 13) % 66 AS INTEGER) AS birth_year,
       ['standard', 'standard', 'standard', 'student', 'senior', 'family'][1 + i % 6] AS membership_type
FROM m;

CREATE OR REPLACE TABLE raw.books AS
SELECT '978-' || (i % 2) || '-' || lpad(CAST(10000 + (i * 7919) % 90000 AS VARCHAR), 5, '0') || '-' ||
         lpad(CAST(i AS VARCHAR), 3, '0') || '-' || (i * 7 % 10) AS isbn,
       ['The Silent', 'A Distant', 'The Last', 'Hidden', 'The Broken', 'Winter', 'The Lost',
        'Bright'][1 + i % 8] || ' ' ||
         ['River', 'Garden', 'Empire', 'Letter', 'Harbor', 'Mountain', 'Station', 'Orchard',
          'Signal', 'Lantern'][1 + (i * 3) % 10] AS title,
       ['Mary Shelley', 'Chinua Achebe', 'Toni Morrison', 'Italo Calvino', 'Ursula Le Guin',
        'Haruki Murakami', 'Zadie Smith', 'Jorge Luis Borges', 'Octavia Butler', 'Kazuo Ishiguro',
        'Elena Ferrante', 'Ted Chiang'][1 + (i * 5) % 12] AS author,
       ['Fiction', 'Mystery', 'Science Fiction', 'Biography', 'History', 'Children', 'Poetry',
        'Romance'][1 + (i * 11) % 8] AS genre,
       CAST(1950 + (i * 29) % 75 AS INTEGER) AS published_year,
       CAST(80 + (i * 37) % 200 * 4 AS INTEGER) AS page_count,
       CASE WHEN i % 25 = 0 THEN NULL ELSE
       'A ' || ['quiet', 'sweeping', 'haunting', 'playful', 'bitter', 'tender', 'restless'][1 + i % 7] ||
         ' story of ' || ['a lighthouse keeper', 'two sisters', 'an exiled prince', 'a retired detective',
                          'a young cartographer', 'a travelling circus', 'a village doctor',
                          'an orphaned violinist', 'a failing bookshop'][1 + (i * 5) % 9] ||
         ', set in ' || ['Lisbon', 'a mountain village', 'post-war Vienna', 'a drowned city',
                         'the Scottish islands', 'a generation ship', 'nineteenth-century Lagos',
                         'a border town', 'Kyoto', 'the Arctic'][1 + (i * 7) % 10] ||
         ', about ' || ['memory', 'debt', 'forgiveness', 'ambition', 'grief', 'belonging'][1 + (i * 3) % 6] ||
         ' and what it costs to ' || ['stay', 'leave', 'remember', 'start again', 'tell the truth'][1 + (i * 11) % 5] ||
         ' (chapter count ' || (8 + i % 31) || ').' END AS summary
FROM range(1, 301) t(i);

CREATE OR REPLACE TABLE raw.loans AS
WITH checkouts AS (
  SELECT c,
         500000 + c AS checkout_id,
         10001 + (c * 97) % 400 AS member_id,
         CAST(1 + (c * 5) % 6 AS INTEGER) AS branch_id,
         [1, 1, 1, 2, 2, 3, 4][1 + c % 7] AS items,
         CASE WHEN c % 100 = 0
              THEN TIMESTAMP '2031-03-01 10:00:00' + INTERVAL (c % 90) DAY
              ELSE TIMESTAMP '2023-07-01 09:00:00' + INTERVAL ((c * 367) % 731) DAY
                   + INTERVAL (c % 10) HOUR + INTERVAL ((c * 13) % 60) MINUTE END AS loaned_at
  FROM range(1, 1401) t(c)
), lines AS (
  SELECT checkout_id, member_id, branch_id, loaned_at, c, k,
         row_number() OVER (ORDER BY checkout_id, k) AS n
  FROM checkouts, range(items) r(k)
)
SELECT n AS loan_id,
       checkout_id,
       member_id,
       CASE WHEN n % 67 = 0
            -- withdrawn books, no longer in raw.books
            THEN '978-9-99999-00' || (n % 6)
            ELSE '978-' || (b % 2) || '-' || lpad(CAST(10000 + (b * 7919) % 90000 AS VARCHAR), 5, '0') ||
                 '-' || lpad(CAST(b AS VARCHAR), 3, '0') || '-' || (b * 7 % 10) END AS isbn,
       branch_id,
       loaned_at,
       CAST(loaned_at AS DATE) + 21 AS due_on,
       CASE WHEN (n * 7) % 20 < 3 OR year(loaned_at) > 2030 THEN NULL
            ELSE CAST(loaned_at AS DATE) + CAST(3 + (n * 11) % 30 AS INTEGER) END AS returned_on,
       CAST(CASE WHEN (n * 7) % 20 < 3 OR year(loaned_at) > 2030 THEN 0
                 ELSE greatest(0, 3 + (n * 11) % 30 - 21) * 0.25 END AS DECIMAL(6, 2)) AS late_fee,
       n % 9 = 0 AS is_renewed
FROM (SELECT *, 1 + (n * 37) % 300 AS b FROM lines);
