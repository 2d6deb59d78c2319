{#
  Marketing campaigns, one row per promoted product (campaign_id is unique per row; the
  campaign itself is campaign_name with its dates). Negative impressions are sign errors and
  clicks can never exceed impressions.
#}
select
    cast(campaign_id as bigint) as campaign_id,
    campaign_name,
    campaign_type,
    platform,
    cast(product_id as bigint) as product_id,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    cast(budget as decimal(14, 2)) as budget,
    cast(actual_spend as decimal(14, 2)) as actual_spend,
    cast(abs(impressions) as bigint) as impressions,
    cast(least(clicks, abs(impressions)) as bigint) as clicks,
    cast(created_at as timestamp) as created_at
from {{ source('raw', 'campaigns') }}
