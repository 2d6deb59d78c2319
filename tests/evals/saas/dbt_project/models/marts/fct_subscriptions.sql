{# One row per subscription period, with its monthly recurring revenue. #}
select
    s.subscription_id,
    s.account_id,
    p.plan_name,
    s.started_on,
    s.ended_on,
    s.seats,
    s.billing_period,
    round(p.price_per_seat_monthly * s.seats
          * case when s.billing_period = 'annual' then 1 - {{ var('annual_discount', 0.15) }} else 1 end,
          2) as mrr,
    s.ended_on is null as is_active,
    s.cancel_reason
from {{ ref('stg_subscriptions') }} s
join {{ ref('stg_plans') }} p on p.plan_code = s.plan_code
