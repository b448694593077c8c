-- Latest post of every inventoried account as of the monitoring point. Pinned posts are ignored (an old
-- pinned post must not make an account look alive or hide the real latest post); posts published after
-- the monitoring point are ignored. An account with no post keeps a null date (counts as not updated).
with accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

posts as (
    select
        *,
        published_on > {{ monitoring_date() }} as is_after_monitoring
    from {{ ref('stg_raw__posts') }}
),

counted as (
    select
        account_id,
        count(*) filter (where not is_pinned and not is_after_monitoring) as posts_considered,
        count(*) filter (where is_pinned) as posts_pinned,
        count(*) filter (where is_after_monitoring) as posts_after_monitoring
    from posts
    group by account_id
),

latest as (
    select
        account_id,
        published_on as last_post_on,
        published_at as last_post_at,
        title as last_post_title,
        post_url as last_post_url
    from posts
    where not is_pinned and not is_after_monitoring
    qualify row_number() over (
        partition by account_id order by published_on desc, published_at desc nulls last, post_id
    ) = 1
)

select
    accounts.run_id,
    accounts.quarter,
    accounts.account_id,
    accounts.unit,
    accounts.platform,
    accounts.account_name,
    accounts.inventory_order,
    coalesce(counted.posts_considered, 0) as posts_considered,
    coalesce(counted.posts_pinned, 0) as posts_pinned,
    coalesce(counted.posts_after_monitoring, 0) as posts_after_monitoring,
    latest.last_post_on,
    latest.last_post_at,
    latest.last_post_title,
    latest.last_post_url,
    date_diff('day', latest.last_post_on, {{ monitoring_date() }}) as days_since_last_post
from accounts
left join counted on counted.account_id = accounts.account_id
left join latest on latest.account_id = accounts.account_id
