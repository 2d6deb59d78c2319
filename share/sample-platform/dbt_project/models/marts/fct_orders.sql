{#
  One row per order line, denormalised with the customer, product and campaign. The amounts
  subtotal .. total are per ORDER and repeat on each of its lines: to sum revenue, take each
  transaction_id's total once, not the sum over lines.
#}
select
    t.transaction_id,
    t.transaction_date,
    t.status,
    t.payment_method,
    t.user_id,
    c.email as customer_email,
    c.first_name as customer_first_name,
    c.last_name as customer_last_name,
    c.customer_segment,
    c.city as customer_city,
    c.state as customer_state,
    t.product_id,
    p.product_name,
    p.brand,
    p.category,
    p.cost as product_cost,
    t.quantity,
    t.price as unit_price,
    t.subtotal,
    t.tax,
    t.shipping,
    t.discount,
    t.discount_code,
    t.total,
    t.total - p.cost * t.quantity as line_margin,
    coalesce(t.discount, 0) > 0 as is_discounted,
    t.campaign_id,
    m.campaign_name,
    m.campaign_type,
    m.platform as campaign_platform,
    m.actual_spend as campaign_spend,
    t.created_at
from {{ ref('stg_transactions') }} as t
left join {{ ref('dim_customers') }} as c on c.user_id = t.user_id
left join {{ ref('dim_products') }} as p on p.product_id = t.product_id
left join {{ ref('stg_campaigns') }} as m on m.campaign_id = t.campaign_id
