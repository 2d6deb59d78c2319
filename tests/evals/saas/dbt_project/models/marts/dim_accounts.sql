{# One row per customer company, with its current plan (NULL when it has no running subscription). #}
with current_sub as (
    select s.account_id, p.plan_name
    from {{ ref('stg_subscriptions') }} s
    join {{ ref('stg_plans') }} p on p.plan_code = s.plan_code
    where s.ended_on is null
)
select
    a.account_id,
    a.company_name,
    a.industry,
    a.country,
    a.employee_band,
    a.signup_date,
    a.account_manager,
    a.parent_account_id,
    a.website,
    c.plan_name as current_plan,
    c.plan_name is not null as is_active
from {{ ref('stg_accounts') }} a
left join current_sub c on c.account_id = a.account_id
