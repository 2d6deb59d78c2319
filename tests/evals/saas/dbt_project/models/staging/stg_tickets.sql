{# Support tickets; the hand-typed priority is normalised to lower case without spaces. #}
select
    cast(ticket_id as bigint) as ticket_id,
    cast(account_id as bigint) as account_id,
    cast(opened_at as timestamp) as opened_at,
    cast(closed_at as timestamp) as closed_at,
    lower(trim(priority)) as priority,
    category,
    channel,
    cast(csat_score as integer) as csat_score,
    cast(escalated as boolean) as escalated,
    subject
from {{ source('raw', 'tickets') }}
