{#
    Wilson score interval bound for a (weighted) proportion, clipped to [0, 1]
    and to the right side of p (lower <= p <= upper holds exactly; without the
    clip, rounding leaves a lower bound of ~3e-18 above p = 0).
    p: the point estimate (a weighted share); n: the sample size to use, for a
    weighted sample Kish's effective size (sum w)^2 / sum w^2 (see
    risk_kish_effective_n). side: 'lower' or 'upper'. When p = 0 the upper
    bound is z^2 / (n + z^2), the bound to report when no violating sample was
    seen. Null when n is null or not positive.
    Source: Wilson (1927); Kish (1965) for the effective sample size.
#}
{% macro risk_wilson_bound(p, n, side) -%}
    {%- set z = risk_z_95() -%}
    {%- set sign = '-' if side == 'lower' else '+' -%}
    case
        when {{ n }} is null or {{ n }} <= 0 or {{ p }} is null then null
        else {{ 'greatest(0.0, least(' ~ p ~ ',' if side == 'lower' else 'least(1.0, greatest(' ~ p ~ ',' }}
            (
                {{ p }} + {{ z }} * {{ z }} / (2.0 * {{ n }})
                {{ sign }} {{ z }} * sqrt(
                    greatest(0.0, {{ p }} * (1.0 - {{ p }})) / {{ n }}
                    + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }})
                )
            ) / (1.0 + {{ z }} * {{ z }} / {{ n }})
        ))
    end
{%- endmacro %}


{#
    Kish effective sample size (sum w)^2 / sum w^2 from the two sums.
#}
{% macro risk_kish_effective_n(sum_weight, sum_weight_squared) -%}
    ({{ sum_weight }} * {{ sum_weight }} / nullif({{ sum_weight_squared }}, 0))
{%- endmacro %}


{#
    Two-sided 95% normal quantile z_{0.975} as a constant (no dependency on the
    statistics macros another area owns).
#}
{% macro risk_z_95() -%}
    1.959963984540054
{%- endmacro %}
