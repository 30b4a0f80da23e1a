-- One row per payment to a labeler.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__payments.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_labeling__payments'), ['payment_id']) }}

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
