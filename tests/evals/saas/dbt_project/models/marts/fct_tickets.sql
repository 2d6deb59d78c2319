{# One row per support ticket; hours_to_close is NULL while it is open. #}
select
    t.ticket_id,
    t.account_id,
    t.opened_at,
    t.closed_at,
    t.priority,
    t.category,
    t.channel,
    t.csat_score,
    t.escalated,
    t.subject,
    round(date_diff('minute', t.opened_at, t.closed_at) / 60.0, 2) as hours_to_close
from {{ ref('stg_tickets') }} t
