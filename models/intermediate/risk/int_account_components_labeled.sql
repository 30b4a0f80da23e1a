-- One row per account that has at least one link in int_account_links_built:
-- its connected component (component_id = smallest user_id in it), computed
-- by min-label propagation unrolled var risk_component_rounds times (default
-- 12; exact once rounds >= the largest component's diameter, which the
-- yml test "every link joins one component" checks on every build).
-- Materialized as a table: the unrolled rounds are costly to recompute and
-- several models and tests read the result.
{{ config(materialized='table') }}
with

links as (

    select * from {{ ref('int_account_links_built') }}

),

graph_edges as (

    select
        user_id_a as node_id_a,
        user_id_b as node_id_b
    from links

),

graph_nodes as (

    select user_id_a as node_id from links
    union
    select user_id_b as node_id from links

),

{{ risk_connected_components('graph_nodes', 'graph_edges', var('risk_component_rounds', 12)) }},

final as (

    select
        node_id as user_id,
        component_id
    from component_labels

)

select * from final
