{#
  One row per order line. subtotal, tax, shipping, discount and total are order-level amounts
  repeated on every line of the order. Negative totals are sign errors (abs() fixes them); lines
  without an order, customer or product id cannot be attributed and are dropped.
#}
select
    cast(transaction_id as bigint) as transaction_id,
    cast(user_id as bigint) as user_id,
    cast(product_id as bigint) as product_id,
    cast(transaction_date as timestamp) as transaction_date,
    cast(quantity as integer) as quantity,
    cast(price as decimal(12, 2)) as price,
    cast(subtotal as decimal(12, 2)) as subtotal,
    cast(tax as decimal(12, 2)) as tax,
    cast(shipping as decimal(12, 2)) as shipping,
    cast(discount as decimal(12, 2)) as discount,
    discount_code,
    cast(abs(total) as decimal(12, 2)) as total,
    payment_method,
    status,
    cast(campaign_id as bigint) as campaign_id,
    cast(created_at as timestamp) as created_at
from {{ source('raw', 'transactions') }}
where transaction_id is not null
  and user_id is not null
  and product_id is not null
