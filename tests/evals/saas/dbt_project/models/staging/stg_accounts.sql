{# Customer companies; blank websites become NULL. #}
select
    cast(account_id as bigint) as account_id,
    trim(company_name) as company_name,
    industry,
    country,
    employee_band,
    cast(signup_date as date) as signup_date,
    account_manager,
    cast(parent_account_id as bigint) as parent_account_id,
    nullif(trim(website), '') as website
from {{ source('raw', 'accounts') }}
