{#
    Connected components by min-label propagation, unrolled as CTEs so the
    same SQL runs on DuckDB and Spark (no recursive CTE, no loops at run time).

    Inputs (CTE or relation names):
      nodes_relation: one row per node, column node_id
      edges_relation: one row per undirected edge, columns node_id_a, node_id_b
    Emits a comma-led list of CTEs ending in `<output_name>` (node_id,
    component_id) where component_id is the smallest node_id reachable after
    `rounds` rounds. Each round reads the previous round exactly once (a
    self-join per round would make Spark's inlined plan grow exponentially).
    Labels are exact once rounds >= the largest component's diameter; the
    model using this macro carries a test that every edge joins two nodes
    with the same label, so too few rounds fail the build instead of
    splitting components silently.
#}
{% macro risk_connected_components(nodes_relation, edges_relation, rounds, output_name='component_labels') -%}
    {%- set rounds = rounds | int -%}
    cc_directed_edges as (

        select node_id_a as node_id, node_id_b as neighbour_id from {{ edges_relation }}
        union all
        select node_id_b as node_id, node_id_a as neighbour_id from {{ edges_relation }}
        union all
        select node_id, node_id as neighbour_id from {{ nodes_relation }}

    ),

    cc_labels_0 as (

        select
            node_id,
            node_id as component_id
        from {{ nodes_relation }}

    ),
    {% for i in range(1, rounds + 1) %}
    cc_labels_{{ i }} as (

        select
            cc_directed_edges.node_id,
            min(cc_labels_{{ i - 1 }}.component_id) as component_id
        from cc_directed_edges
        inner join cc_labels_{{ i - 1 }}
            on cc_directed_edges.neighbour_id = cc_labels_{{ i - 1 }}.node_id
        group by cc_directed_edges.node_id

    ),
    {% endfor %}
    {{ output_name }} as (

        select
            node_id,
            component_id
        from cc_labels_{{ rounds }}

    )
{%- endmacro %}
