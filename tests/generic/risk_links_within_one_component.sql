{#
    Generic test: every link of `links` (user_id_a, user_id_b) joins two
    accounts with the same component_id in `model`. Fails when label
    propagation ran fewer rounds than a component's diameter.
#}
{% test risk_links_within_one_component(model, links) %}

select
    links.user_id_a,
    links.user_id_b,
    labels_a.component_id as component_id_a,
    labels_b.component_id as component_id_b
from {{ links }} as links
left join {{ model }} as labels_a
    on links.user_id_a = labels_a.user_id
left join {{ model }} as labels_b
    on links.user_id_b = labels_b.user_id
where
    labels_a.component_id is null
    or labels_b.component_id is null
    or labels_a.component_id <> labels_b.component_id

{% endtest %}
