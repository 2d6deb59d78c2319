{#
  Web analytics events. Negative session durations are sign errors; events stamped in the
  future come from broken device clocks and are dropped (see var max_event_time).
#}
select
    cast(event_id as bigint) as event_id,
    cast(event_time as timestamp) as event_time,
    cast(user_id as bigint) as user_id,
    session_id,
    page_type,
    cast(product_id as bigint) as product_id,
    cast(campaign_id as bigint) as campaign_id,
    device,
    browser,
    cast(abs(session_duration_seconds) as integer) as session_duration_seconds
from {{ source('raw', 'pageviews') }}
where cast(event_time as timestamp) <= {{ var('max_event_time', 'current_timestamp') }}
