{# Invoices with the amount in dollars (the billing system stores cents). #}
select
    invoice_id,
    cast(account_id as bigint) as account_id,
    subscription_id,
    cast(issued_on as date) as issued_on,
    cast(due_on as date) as due_on,
    cast(paid_on as date) as paid_on,
    cast(amount_cents / 100.0 as decimal(18, 2)) as amount_usd,
    status
from {{ source('raw', 'invoices') }}
