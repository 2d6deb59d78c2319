{# The product catalogue. Some prices were keyed in negative: abs() restores them. #}
select
    cast(product_id as bigint) as product_id,
    product_name,
    brand,
    category,
    cast(abs(price) as decimal(12, 2)) as price,
    cast(cost as decimal(12, 2)) as cost,
    cast(stock_quantity as integer) as stock_quantity,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at
from {{ source('raw', 'products') }}
