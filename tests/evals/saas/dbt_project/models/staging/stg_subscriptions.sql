select
    subscription_id,
    cast(account_id as bigint) as account_id,
    plan_code,
    cast(started_on as date) as started_on,
    cast(ended_on as date) as ended_on,
    cast(seats as integer) as seats,
    billing_period,
    cancel_reason
from {{ source('raw', 'subscriptions') }}
