{#
    Test statistics used by the experiment engine (docs/experimentation.md).
    All are plain SQL expressions over columns, portable to DuckDB and Spark.
#}

{#- The argument of Phi in chi_square_sf: -sqrt(x) up to max_df, Wilson and Hilferty's -z above. -#}
{% macro chi_square_normal_argument(x, df, max_df=30) -%}
    {%- set xv = '(' ~ x ~ ')' -%}
    {%- set df = '(' ~ df ~ ')' -%}
    (case
        when {{ df }} > {{ max_df }}
            then -(power({{ xv }} / {{ df }}, 1.0e0 / 3.0e0) - (1.0e0 - 2.0e0 / (9.0e0 * {{ df }})))
            / sqrt(2.0e0 / (9.0e0 * {{ df }}))
        else -sqrt({{ xv }})
    end)
{%- endmacro %}

{% macro chi_square_sf(x, df, max_df=30, normal_argument=none) -%}
    {#-
        Upper tail P(X > x) of a chi-square with integer df (1..max_df) in closed form:
        even df = 2m:   exp(-x/2) * sum_{j=0}^{m-1} (x/2)^j / j!
        odd df = 2m+1:  2 * Phi(-sqrt x) + sqrt(2/pi) * exp(-x/2) * sum_{j=1}^{m} x^(j-1/2) / (1*3*...*(2j-1))
        (Abramowitz & Stegun 26.4.4 and 26.4.5). Each sum is one flat list of terms, the
        j-th kept while j < m, so the compiled SQL grows with max_df, not with its square
        (a case per df repeated the shorter sums; a nested Horner form exceeds sqlfluff's
        parse depth): the even sum is sum_j (x/2)^j / j!, the odd one
        sqrt(x) * sum_j x^j / (1*3*...*(2j+1)). Above max_df, Wilson and Hilferty's (1931)
        normal approximation Phi(-z), z = ((x/df)^(1/3) - (1 - 2/(9 df))) / sqrt(2/(9 df)), whose
        absolute error is below 2e-4 from df 31 on (checked against scipy). Null for df < 1.
        Phi appears once (shared by every odd df and the approximation); its argument,
        chi_square_normal_argument(x, df), is repeated about a hundred times inside Phi, so a
        query that computes it as a column first passes that column as normal_argument.
        Both arguments are parenthesised: df = 'n - 1' must not read as n - (1 % 2).
    -#}
    {%- set xv = '(' ~ x ~ ')' -%}
    {%- set df = '(' ~ df ~ ')' -%}
    {#- m: the number of terms of the df's sum (even: df / 2, odd: (df - 1) / 2) -#}
    {%- set m = '(' ~ df ~ ' - ' ~ df ~ ' % 2) / 2' -%}
    {%- set ns = namespace(even=[], odd=[], fact=1, dfact=1) -%}
    {%- for j in range((max_df + 1) // 2) -%}
        {%- if j > 0 -%}{%- set ns.fact = ns.fact * j -%}{%- endif -%}
        {%- set ns.dfact = ns.dfact * (2 * j + 1) if j > 0 else 1 -%}
        {%- do ns.even.append('case when ' ~ j ~ ' < ' ~ m ~ ' then power(' ~ xv ~ ' / 2.0e0, ' ~ j ~ ') / '
                              ~ ns.fact ~ '.0e0 else 0.0e0 end') -%}
        {%- do ns.odd.append('case when ' ~ j ~ ' < ' ~ m ~ ' then power(' ~ xv ~ ', ' ~ j ~ ') / '
                             ~ ns.dfact ~ '.0e0 else 0.0e0 end') -%}
    {%- endfor -%}
    (case
        when {{ xv }} is null or {{ df }} is null then null
        when {{ df }} < 1 then null
        when {{ xv }} <= 0 then 1.0e0
        else
            (case when {{ df }} > {{ max_df }} then 1.0e0 when {{ df }} % 2 = 1 then 2.0e0 else 0.0e0 end)
            * {{ normal_cdf(normal_argument or chi_square_normal_argument(x, df, max_df)) }}
            + exp(-{{ xv }} / 2.0e0) * (case
                when {{ df }} > {{ max_df }} then 0.0e0
                when {{ df }} % 2 = 0 then ({{ ns.even | join(' + ') }})
                when {{ df }} = 1 then 0.0e0
                else sqrt(2.0e0 / pi()) * sqrt({{ xv }}) * ({{ ns.odd | join(' + ') }})
            end)
    end)
{%- endmacro %}

{% macro ratio_delta_variance(n, ratio, mean_denominator, var_numerator, var_denominator, cov_numerator_denominator) -%}
    {#- Delta-method variance of sum(Y)/sum(N) over n units (Deng, Knoblich & Lu 2018):
        (s_Y^2 - 2 R s_YN + R^2 s_N^2) / (n * mean(N)^2) -#}
    (({{ var_numerator }} - 2.0e0 * {{ ratio }} * {{ cov_numerator_denominator }}
        + {{ ratio }} * {{ ratio }} * {{ var_denominator }})
        / nullif({{ n }} * {{ mean_denominator }} * {{ mean_denominator }}, 0))
{%- endmacro %}

{% macro relative_effect_variance(treatment_mean, control_mean, treatment_variance, control_variance) -%}
    {#- Delta-method variance of T/C - 1 for independent arms: var_T/C^2 + T^2 var_C/C^4 -#}
    ({{ treatment_variance }} / nullif({{ control_mean }} * {{ control_mean }}, 0)
        + {{ treatment_mean }} * {{ treatment_mean }} * {{ control_variance }}
        / nullif({{ control_mean }} * {{ control_mean }} * {{ control_mean }} * {{ control_mean }}, 0))
{%- endmacro %}

{% macro cuped_theta(covariance_yx, variance_x) -%}
    {#- CUPED slope (Deng, Xu, Kohavi & Walker 2013): cov(Y, X) / var(X); 0 without variation in X -#}
    coalesce(({{ covariance_yx }}) / nullif({{ variance_x }}, 0), 0.0e0)
{%- endmacro %}

{% macro sum_about_mean(n, sample_moment) -%}
    {#- An arm's sum of squares (or products) about its mean, (n - 1) x the sample moment; 0 for
        a single unit, whose sample moment is null -#}
    coalesce(({{ n }} - 1) * {{ sample_moment }}, 0.0e0)
{%- endmacro %}

{% macro cuped_arm_variance(n, var_y, var_x, cov_yx, theta) -%}
    {#- Variance of an arm's CUPED mean: var(Y - theta X) / n = (s_Y^2 + theta^2 s_X^2 - 2 theta s_YX) / n -#}
    (({{ var_y }} + {{ theta }} * {{ theta }} * {{ var_x }} - 2.0e0 * {{ theta }} * {{ cov_yx }}) / nullif({{ n }}, 0))
{%- endmacro %}

{% macro cuped_relative_effect_variance(n_c, n_t, mean_c, mean_t, var_y_c, var_x_c, cov_yx_c, var_y_t, var_x_t, cov_yx_t, theta) -%}
    {#- Delta-method variance of the CUPED effect divided by the unadjusted control mean, with
        the unadjusted means mean_c, mean_t (GrowthBook's regression adjustment, gbstats
        frequentist_variance_relative_cuped): the treatment term var(Y_t - theta X_t) / (n_t C^2)
        plus the control term var(theta X_c - (T / C) Y_c) / (n_c C^2). At theta = 0 it is
        relative_effect_variance(). -#}
    (({{ var_y_t }} + {{ theta }} * {{ theta }} * {{ var_x_t }} - 2.0e0 * {{ theta }} * {{ cov_yx_t }})
        / nullif({{ n_t }} * {{ mean_c }} * {{ mean_c }}, 0)
        + ({{ var_y_c }} * ({{ mean_t }} / nullif({{ mean_c }}, 0)) * ({{ mean_t }} / nullif({{ mean_c }}, 0))
            - 2.0e0 * {{ theta }} * {{ cov_yx_c }} * {{ mean_t }} / nullif({{ mean_c }}, 0)
            + {{ theta }} * {{ theta }} * {{ var_x_c }})
        / nullif({{ n_c }} * {{ mean_c }} * {{ mean_c }}, 0))
{%- endmacro %}

{% macro benjamini_hochberg_rank(p_value, partition_by, tie_breakers) -%}
    {#- Step 1 of BH: rank of the p-value within its family (ascending) -#}
    row_number() over (
        partition by {{ partition_by | join(', ') }}
        order by {{ p_value }} asc nulls last{% for t in tie_breakers %}, {{ t }} asc nulls last{% endfor %}
    )
{%- endmacro %}

{% macro benjamini_hochberg_adjusted(p_value, family_rank, family_size, partition_by) -%}
    {#- Step 2 of BH: min over ranks j >= i of p_(j) * m / j, capped at 1
        (the step-up adjustment statsmodels calls fdr_bh) -#}
    least(1.0e0, min({{ p_value }} * {{ family_size }} / {{ family_rank }}) over (
        partition by {{ partition_by | join(', ') }}
        order by {{ family_rank }} desc nulls last
        rows between unbounded preceding and current row
    ))
{%- endmacro %}

{% macro arm_estimate(metric_kind, sum_value, sum_denominator, mean_value) -%}
    {#- An arm's metric value: sum(Y) / sum(N) for a ratio metric, mean(Y) otherwise -#}
    (case
        when {{ metric_kind }} = 'ratio' then {{ sum_value }} / nullif({{ sum_denominator }}, 0)
        else {{ mean_value }}
    end)
{%- endmacro %}

{% macro arm_estimate_variance(metric_kind, n, sum_value, sum_denominator, mean_denominator, var_value, var_denominator, cov_value_denominator) -%}
    {#- Variance of arm_estimate(): the delta method for a ratio metric, s_Y^2 / n otherwise -#}
    (case
        when {{ metric_kind }} = 'ratio' then {{ ratio_delta_variance(
            n, '(' ~ sum_value ~ ') / nullif(' ~ sum_denominator ~ ', 0)', mean_denominator,
            var_value, var_denominator, cov_value_denominator) }}
        else {{ var_value }} / nullif({{ n }}, 0)
    end)
{%- endmacro %}

{% macro sample_covariance_from_sums(n, sum_x, sum_y, sum_xy) -%}
    {#- Sample covariance (variance when x = y) from running sums: (sum xy - sum x sum y / n) / (n - 1);
        null for fewer than 2 units, as covar_samp -#}
    (case
        when {{ n }} > 1
            then ({{ sum_xy }} - {{ sum_x }} * ({{ sum_y }}) / {{ n }}) / ({{ n }} - 1)
    end)
{%- endmacro %}

{% macro effect_z_statistic(effect, standard_error, control_mean) -%}
    {#- effect / SE; null for a degenerate slice (no variation left, e.g. CUPED with a perfect
        covariate on 3 units), whose standard error is rounding noise and z noise / noise,
        different from run to run -#}
    (case
        when {{ standard_error }} > 1e-9 * (abs({{ control_mean }}) + 1)
            then {{ effect }} / {{ standard_error }}
    end)
{%- endmacro %}
