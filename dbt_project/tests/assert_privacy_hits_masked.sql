-- Personal numbers are kept only masked (隐私: e.g. 138****1234, 513301********4523): a privacy hit whose
-- matched text or context still holds 7 or more consecutive digits would put an unmasked number into the
-- findings, the workbook and the notice's evidence. Such rows fail the build.
select site_id, article_url, hit_kind
from {{ ref('stg_raw__content_hits') }}
where check_kind = 'privacy'
    and (regexp_matches(coalesce(matched, ''), '\d{7,}') or regexp_matches(coalesce(context, ''), '\d{7,}'))
