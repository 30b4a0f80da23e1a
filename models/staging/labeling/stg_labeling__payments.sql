-- One row per payment to a labeler.
-- Clean rows only: the checks are in base_labeling__payments.
with

base as (

    select * from {{ ref('base_labeling__payments') }}

),

final as (

    select
        payment_id,
        labeler_id,
        paid_at,
        amount_usd,
        payment_kind,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
