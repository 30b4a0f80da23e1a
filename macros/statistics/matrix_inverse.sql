{#
    Inverse of a small symmetric positive definite matrix per group, in SQL.

    Emits CTE definitions to place inside a model's `with` list:
    <prefix>_wide, <prefix>_pivot_1 .. <prefix>_pivot_<size> and
    <prefix>_inverse. `matrix` is a CTE with the columns group_key, row_index,
    column_index (0 .. size - 1) and cell_value, at most one row per cell
    (a missing cell reads as 0). <prefix>_inverse has the same columns, every
    cell of every group's inverse.

    Gauss-Jordan elimination in place, one CTE per pivot k with p = a_kk:
        a_kk <- 1 / p,  a_kj <- a_kj / p,  a_ik <- -a_ik / p,
        a_ij <- a_ij - a_ik * a_kj / p   (i, j <> k);
    after the last pivot the cells hold A^-1. The matrix is one row per group
    with size^2 columns, so each step reads the previous one once (a long
    form would join the previous step to itself, and inlined CTEs then grow
    exponentially with size). No pivoting: the callers pass positive definite
    matrices (cross products X'X, covariances), whose pivots are Schur
    complements' diagonals, so positive; a regressor without data gets 1 on
    its diagonal (row and column otherwise 0), which keeps that property and
    leaves its row of the inverse at the unit vector. `size` is a
    compile-time integer: the loops are unrolled by Jinja. The last step
    reads the final pivot once, crossed with the list of cells: Spark inlines
    a CTE at every reference, so a union of one select per cell would copy
    the whole elimination size^2 times into the plan.
#}
{% macro gauss_jordan_inverse(matrix, prefix, size) %}

    {{ prefix }}_wide as (

        select
            group_key,
            {%- for i in range(size) %}{% for j in range(size) %}
            coalesce(sum(case when row_index = {{ i }} and column_index = {{ j }} then cell_value end), 0.0e0)
                as a_{{ i }}_{{ j }}{{ ',' if not (loop.last and i == size - 1) }}
            {%- endfor %}{% endfor %}
        from {{ matrix }}
        group by group_key

    ),

    {% for k in range(size) %}
    {%- set previous = prefix ~ ('_wide' if k == 0 else '_pivot_' ~ k) %}
    {{ prefix }}_pivot_{{ k + 1 }} as (

        select
            group_key,
            {%- for i in range(size) %}{% for j in range(size) %}
            {%- if i == k and j == k %}
            1.0e0 / a_{{ k }}_{{ k }}
            {%- elif i == k %}
            a_{{ k }}_{{ j }} / a_{{ k }}_{{ k }}
            {%- elif j == k %}
            -a_{{ i }}_{{ k }} / a_{{ k }}_{{ k }}
            {%- else %}
            a_{{ i }}_{{ j }} - a_{{ i }}_{{ k }} * a_{{ k }}_{{ j }} / a_{{ k }}_{{ k }}
            {%- endif %} as a_{{ i }}_{{ j }}{{ ',' if not (loop.last and i == size - 1) }}
            {%- endfor %}{% endfor %}
        from {{ previous }}

    ),

    {% endfor %}
    {{ prefix }}_inverse as (

        select
            pivoted.group_key,
            cells.row_index,
            cells.column_index,
            case cells.row_index * {{ size }} + cells.column_index
                {%- for i in range(size) %}{% for j in range(size) %}
                when {{ i * size + j }} then pivoted.a_{{ i }}_{{ j }}
                {%- endfor %}{% endfor %}
            end as cell_value
        from {{ prefix }}_pivot_{{ size }} as pivoted
        cross join (
            values
            {%- for i in range(size) %}{% for j in range(size) %}
                ({{ i }}, {{ j }}){{ ',' if not (loop.last and i == size - 1) }}
            {%- endfor %}{% endfor %}
        ) as cells (row_index, column_index)

    )

{% endmacro %}
