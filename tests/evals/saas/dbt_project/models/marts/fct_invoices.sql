{# One row per invoice. #}
select
    i.invoice_id,
    i.account_id,
    i.subscription_id,
    i.issued_on,
    i.due_on,
    i.paid_on,
    i.amount_usd,
    i.status,
    date_diff('day', i.issued_on, i.paid_on) as days_to_pay
from {{ ref('stg_invoices') }} i
