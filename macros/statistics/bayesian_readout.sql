{#
    Bayesian readout of a relative effect (docs/experimentation.md, Bayesian readout), with
    GrowthBook's effect-prior semantics (docs/statistics/details.mdx, "Bayesian Engine";
    gbstats/bayesian/tests.py): a Gaussian prior N(prior_mean, prior_sd^2) on the relative
    effect, flat (improper) when prior_sd is none or 0, combined with the estimate's normal
    likelihood N(estimate, se^2) into a Gaussian posterior.
    The prior is a compile-time choice (vars), so its numbers enter the SQL as validated DOUBLE
    literals and a flat prior compiles to the estimate itself.
#}

{% macro double_literal(value, what) -%}
    {#- A finite number as a DOUBLE literal with an exponent (a plain decimal literal is DECIMAL
        on DuckDB and Spark); anything else stops the build naming the setting -#}
    {%- if value is boolean or value is not number or value != value or value > 1e308 or value < -1e308 -%}
        {{ exceptions.raise_compiler_error(what ~ ' must be a finite number, got ' ~ (value | string)[:40]) }}
    {%- endif -%}
    {{- '%.17e' | format(value) -}}
{%- endmacro %}

{% macro is_flat_prior(prior_sd) -%}
    {#- True for the improper prior (prior_sd none or 0); raises on a negative or non-number sd -#}
    {%- if prior_sd is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set checked = double_literal(prior_sd, 'The prior standard deviation (var experiment_prior_sd)') -%}
    {%- if prior_sd < 0 -%}
        {{ exceptions.raise_compiler_error(
            'The prior standard deviation (var experiment_prior_sd) must be >= 0 (0 or null: flat prior), got '
            ~ prior_sd) }}
    {%- endif -%}
    {{ return(prior_sd == 0) }}
{%- endmacro %}

{% macro normal_pdf(x) -%}
    {#- phi(x) = exp(-x^2 / 2) / sqrt(2 pi) -#}
    (3.98942280401432677939946059934e-1 * exp(-0.5e0 * ({{ x }}) * ({{ x }})))
{%- endmacro %}

{% macro gaussian_posterior_mean(estimate, standard_error, prior_mean, prior_sd) -%}
    {#- The precision-weighted mean (m/s^2 + e/se^2) / (1/s^2 + 1/se^2), written as
        (e s^2 + m se^2) / (s^2 + se^2) so that it needs no division by se; flat prior: e -#}
    {%- if is_flat_prior(prior_sd) -%}
        ({{ estimate }})
    {%- else -%}
        {%- set m = double_literal(prior_mean, 'The prior mean (var experiment_prior_mean)') -%}
        {%- set s2 = double_literal(prior_sd * prior_sd, 'The prior variance') -%}
        ((({{ estimate }}) * {{ s2 }} + {{ m }} * ({{ standard_error }}) * ({{ standard_error }}))
            / ({{ s2 }} + ({{ standard_error }}) * ({{ standard_error }})))
    {%- endif -%}
{%- endmacro %}

{% macro gaussian_posterior_standard_deviation(standard_error, prior_sd) -%}
    {#- 1 / sqrt(1/s^2 + 1/se^2) = se s / sqrt(s^2 + se^2); flat prior: se -#}
    {%- if is_flat_prior(prior_sd) -%}
        ({{ standard_error }})
    {%- else -%}
        {%- set s = double_literal(prior_sd, 'The prior standard deviation (var experiment_prior_sd)') -%}
        (({{ standard_error }}) * {{ s }}
            / sqrt({{ s }} * {{ s }} + ({{ standard_error }}) * ({{ standard_error }})))
    {%- endif -%}
{%- endmacro %}

{% macro posterior_win_z(estimate, standard_error, preferred_direction, prior_mean, prior_sd) -%}
    {#- The posterior mean over the posterior sd, signed so that a win is positive (s = -1 when
        the preferred direction is decrease): chance to win = Phi(win_z) -#}
    (case when {{ preferred_direction }} = 'decrease' then -1.0e0 else 1.0e0 end
        * {{ gaussian_posterior_mean(estimate, standard_error, prior_mean, prior_sd) }}
        / {{ gaussian_posterior_standard_deviation(standard_error, prior_sd) }})
{%- endmacro %}

{% macro posterior_expected_loss(win_z, posterior_sd) -%}
    {#- E[max(-D, 0)] for D ~ N(mu, sd^2) oriented so that D > 0 is a win, with win_z = mu / sd:
        sd * (phi(z) - z * Phi(-z)), the normal partial expectation. GrowthBook's risk of
        choosing the treatment, -P(D < 0) E[D | D < 0]. Pass win_z as a column: Phi repeats it. -#}
    (({{ posterior_sd }}) * ({{ normal_pdf(win_z) }} - ({{ win_z }}) * {{ normal_cdf('-(' ~ win_z ~ ')') }}))
{%- endmacro %}
