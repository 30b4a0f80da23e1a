-- One row per payment to a labeler.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__payments.
with

base as (

    select * from {{ ref('base_labeling__payments') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['payment_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        payment_id,
        labeler_id,
        paid_at,
        amount_usd,
        payment_kind,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
