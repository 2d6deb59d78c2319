select
    plan_code,
    plan_name,
    cast(price_per_seat_monthly as decimal(10, 2)) as price_per_seat_monthly,
    cast(seats_included as integer) as seats_included
from {{ source('raw', 'plans') }}
