{#- The cell of a two-sided (TSR) viewer x creator pair, from the two arms (0 control,
    1 treatment): viewer_<arm>_creator_<arm>. The treatment applies in
    viewer_treatment_creator_treatment only. -#}
{% macro marketplace_pair_cell(viewer_arm, creator_arm) -%}
    case
        when {{ viewer_arm }} = 1 and {{ creator_arm }} = 1 then 'viewer_treatment_creator_treatment'
        when {{ viewer_arm }} = 1 then 'viewer_treatment_creator_control'
        when {{ creator_arm }} = 1 then 'viewer_control_creator_treatment'
        else 'viewer_control_creator_control'
    end
{%- endmacro %}

{#- One row of the marketplace estimators' cell weights (fct_marketplace_experiment_estimates):
    the cell's weight in the estimator's contrast is weight_constant +
    weight_over_treated_creator_share / a_c, its weight in the baseline (the denominator of
    the relative estimate) base_constant + base_times_treated_creator_share * a_c, with a_c
    the treated share of creators. -#}
{% macro marketplace_estimator_cell(estimator, analysis_scope, cell, weight_constant, weight_over_treated_creator_share, base_constant, base_times_treated_creator_share=0) -%}
    select
        '{{ estimator }}' as estimator,
        '{{ analysis_scope }}' as analysis_scope,
        '{{ cell }}' as cell,
        cast({{ weight_constant }} as {{ dbt.type_float() }}) as weight_constant,
        cast({{ weight_over_treated_creator_share }} as {{ dbt.type_float() }}) as weight_over_treated_creator_share,
        cast({{ base_constant }} as {{ dbt.type_float() }}) as base_constant,
        cast({{ base_times_treated_creator_share }} as {{ dbt.type_float() }}) as base_times_treated_creator_share
{%- endmacro %}
