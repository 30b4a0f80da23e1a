-- Invariant: every connected component of int_account_components_labeled is labelled by its
-- smallest member, component_id = min(user_id) over the component. Why: label propagation
-- (docs/risk.md) converges to the minimum only when it ran enough rounds; a label that is not
-- the minimum of its component is a propagation that stopped early, or two components merged
-- under one label. The generic test risk_links_within_one_component checks the other half
-- (no link crosses two labels). Returns the components whose label is not their minimum.
with

labels as (

    select * from {{ ref('int_account_components_labeled') }}

),

final as (

    select
        component_id,
        min(user_id) as smallest_member,
        count(*) as members
    from labels
    group by component_id
    having min(user_id) <> component_id

)

select * from final
