{#
    Always-valid inference: the asymptotic confidence sequence of Waudby-Smith, Arbour,
    Sinha, Kennedy and Ramdas (2023, arXiv:2103.06476, Theorem 2.2 and its two-sided normal
    mixture), as GrowthBook's frequentist engine uses it (docs/statistics/sequential.mdx;
    gbstats frequentist/tests.py, sequential_rho and SequentialTwoSidedTTest). The derivation
    of the multiplier and of the p-value is in docs/experimentation.md, "Always-valid inference".

    With n the units of the two arms compared, SE the fixed-horizon standard error of the
    effect and v = n rho^2, the (1 - alpha) confidence sequence is

        effect +- k SE,   k = sqrt( (v + 1) / v * (ln(v + 1) - 2 ln alpha) )

    (GrowthBook's sigma sqrt(2 (n rho^2 + 1) / (n^2 rho^2) ln(sqrt(n rho^2 + 1) / alpha))
    with sigma = SE sqrt(n)), and rho is chosen so that the sequence is tightest at n = N*:

        rho^2 = (-2 ln alpha + ln(1 - 2 ln alpha)) / N*

    rho is fixed by the experiment's alpha and N*, not by the level read. Held fixed, the
    sequence at any level a excludes 0 exactly when |z| > k(a), so the smallest such a,
    the always-valid p-value, is in closed form (z = effect / SE):

        p = min(1, sqrt(v + 1) exp(-z^2 v / (2 (v + 1))))

    which is 1 / the mixture e-value of GrowthBook's two-sided sequential p-value.
#}

{#- The tuning N* of the confidence sequences: var experiment_sequential_tuning (default 5000),
    a positive number of units (control + treatment) at which the sequence is tightest. -#}
{% macro experiment_sequential_tuning() -%}
    {%- set tuning = var('experiment_sequential_tuning', 5000) -%}
    {%- if tuning is not number or tuning is boolean or tuning <= 0 -%}
        {{ exceptions.raise_compiler_error(
            "var experiment_sequential_tuning must be a positive number of units (control + treatment), got "
            ~ tuning | string | truncate(40)) }}
    {%- endif -%}
    {{ return(tuning) }}
{%- endmacro %}

{#- How fct_experiment_decisions reads the tests: var experiment_decision_mode, fixed_horizon
    (default: p_value_adjusted, p_value_non_inferiority) or sequential (the always-valid
    p-values). Any other value stops the compilation. mode: a value to check instead of the var. -#}
{% macro experiment_decision_mode(mode=none) -%}
    {%- set mode = var('experiment_decision_mode', 'fixed_horizon') if mode is none else mode -%}
    {%- if mode not in ['fixed_horizon', 'sequential'] -%}
        {{ exceptions.raise_compiler_error(
            "var experiment_decision_mode must be fixed_horizon or sequential, got '"
            ~ mode | string | truncate(40) ~ "'") }}
    {%- endif -%}
    {{ return(mode) }}
{%- endmacro %}

{#- rho^2 of the mixture, tightest at N* units (Waudby-Smith et al. 2023, eq. for the optimal
    rho; gbstats sequential_rho, two-sided): a constant expression -#}
{% macro sequential_rho_squared(alpha, tuning) -%}
    ((-2.0e0 * ln(cast({{ alpha }} as double)) + ln(1.0e0 - 2.0e0 * ln(cast({{ alpha }} as double))))
        / cast({{ tuning }} as double))
{%- endmacro %}

{#- k such that effect +- k SE is the (1 - alpha) always-valid interval after total_units units;
    null below one unit. alpha and tuning default to the vars. -#}
{% macro confidence_sequence_multiplier(total_units, alpha=none, tuning=none) -%}
    {%- set alpha = var('experiment_alpha', 0.05) if alpha is none else alpha -%}
    {%- set tuning = experiment_sequential_tuning() if tuning is none else tuning -%}
    {%- set v = '(' ~ total_units ~ ') * ' ~ sequential_rho_squared(alpha, tuning) -%}
    (case when ({{ total_units }}) > 0 then
        sqrt(({{ v }} + 1.0e0) / ({{ v }}) * (ln({{ v }} + 1.0e0) - 2.0e0 * ln(cast({{ alpha }} as double))))
    end)
{%- endmacro %}

{#- The always-valid two-sided p-value of z = effect / SE after total_units units: the smallest
    level at which the confidence sequence (rho fixed by alpha and tuning) excludes 0. -#}
{% macro always_valid_p_value(z, total_units, alpha=none, tuning=none) -%}
    {%- set alpha = var('experiment_alpha', 0.05) if alpha is none else alpha -%}
    {%- set tuning = experiment_sequential_tuning() if tuning is none else tuning -%}
    {%- set v = '(' ~ total_units ~ ') * ' ~ sequential_rho_squared(alpha, tuning) -%}
    {#- least() skips nulls on DuckDB: a null z must not read as p = 1 -#}
    (case when ({{ total_units }}) > 0 and ({{ z }}) is not null then
        least(1.0e0, exp(
            0.5e0 * ln({{ v }} + 1.0e0) - ({{ z }}) * ({{ z }}) * ({{ v }}) / (2.0e0 * ({{ v }} + 1.0e0))
        ))
    end)
{%- endmacro %}
