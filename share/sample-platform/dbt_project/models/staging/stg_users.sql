{# Registered customers. Ages outside 18-100 (0, -5, 150, 999 in the raw data) become NULL. #}
select
    cast(user_id as bigint) as user_id,
    email,
    first_name,
    last_name,
    city,
    state,
    case when age between 18 and 100 then cast(age as integer) end as age,
    customer_segment,
    cast(created_at as timestamp) as created_at,
    cast(last_login as timestamp) as last_login
from {{ source('raw', 'users') }}
