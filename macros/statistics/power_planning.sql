{#
    Sample size of a two-arm test on a relative effect (docs/experimentation.md, Power planning).
    k = z_{1-alpha/2} + z_{power} is the closed form GrowthBook documents for the two-sided test
    (docs/statistics/power-technical.mdx: the power of a significant result in the wrong direction,
    Phi(-k - z_{1-alpha/2}), about 1e-6 at 80 % power, is left out), the same k as mde_relative.
#}

{% macro power_multiplier(alpha, power) -%}
    {#- k = z_{1-alpha/2} + z_{power}, for numbers alpha and power -#}
    ({{ normal_quantile(1 - alpha / 2) }} + {{ normal_quantile(power) }})
{%- endmacro %}

{% macro days_needed_for_relative_mde(relative_mde, baseline_mean, baseline_variance, units_per_day, multiplier) -%}
    {#- Each arm needs n = 2 k^2 sigma^2 / (m mu)^2 units to detect the absolute effect m mu
        (50/50 split, the same variance sigma^2 in both arms); the test exposes 2n units at
        units_per_day: days = 4 k^2 sigma^2 / ((m mu)^2 units_per_day). Null when mu is 0. -#}
    (4.0e0 * ({{ multiplier }}) * ({{ multiplier }}) * ({{ baseline_variance }})
        / nullif(({{ relative_mde }}) * ({{ relative_mde }}) * ({{ baseline_mean }}) * ({{ baseline_mean }})
            * ({{ units_per_day }}), 0))
{%- endmacro %}
