{#
    Standard normal distribution in portable SQL (DuckDB and Spark have no erf).

    normal_cdf(x): Phi(x) by W. J. Cody's rational Chebyshev approximations
    (ACM TOMS Algorithm 715, SPECFUN ANORM), the algorithm R's pnorm() runs:
    three ranges |x| <= 0.67448975, <= sqrt(32) and beyond, with the tail
    exp(-x^2/2) split as exp(-xsq^2/2) * exp(-del/2), xsq = floor(16|x|)/16, so
    the exponent is exact. Relative error near double precision in both tails.

    normal_quantile(p): Phi^-1(p) by Wichura's Algorithm AS 241 (PPND16,
    Applied Statistics 37(3), 1988), relative accuracy about 1e-16.

    Pass column names or simple expressions: x is repeated in the expression.
    Coefficients are written with an exponent so both engines read them as
    DOUBLE literals (a plain decimal literal is DECIMAL on DuckDB and Spark).
#}

{% macro _stat_horner(v, coefficients) -%}
    {#- coefficients from the highest power down to the constant term -#}
    {%- set ns = namespace(expr=coefficients[0]) -%}
    {%- for c in coefficients[1:] -%}
        {%- set ns.expr = '(' ~ ns.expr ~ ') * (' ~ v ~ ') + ' ~ c -%}
    {%- endfor -%}
    ({{ ns.expr }})
{%- endmacro %}

{% macro normal_cdf(x) -%}
    {%- set a = ['2.2352520354606839287e0', '1.6102823106855587881e2', '1.0676894854603709582e3',
                 '1.8154981253343561249e4', '6.5682337918207449113e-2'] -%}
    {%- set b = ['4.720258190468824187e1', '9.7609855173777669322e2', '1.0260932208618978205e4',
                 '4.5507789335026729956e4'] -%}
    {%- set c = ['3.9894151208813466764e-1', '8.8831497943883759412e0', '9.3506656132177855979e1',
                 '5.9727027639480026226e2', '2.4945375852903726711e3', '6.8481904505362823326e3',
                 '1.1602651437647350124e4', '9.8427148383839780218e3', '1.0765576773720192317e-8'] -%}
    {%- set d = ['2.2266688044328115691e1', '2.3538790178262499861e2', '1.519377599407554805e3',
                 '6.485558298266760755e3', '1.8615571640885098091e4', '3.4900952721145977266e4',
                 '3.8912003286093271411e4', '1.9685429676859990727e4'] -%}
    {%- set p = ['2.1589853405795699e-1', '1.274011611602473639e-1', '2.2235277870649807e-2',
                 '1.421619193227893466e-3', '2.9112874951168792e-5', '2.307344176494017303e-2'] -%}
    {%- set q = ['1.28426009614491121e0', '4.68238212480865118e-1', '6.59881378689285515e-2',
                 '3.78239633202758244e-3', '7.29751555083966205e-5'] -%}
    {%- set xv = '(' ~ x ~ ')' -%}
    {%- set y = 'abs' ~ xv -%}
    {%- set s1 = '(' ~ xv ~ ' * ' ~ xv ~ ')' -%}
    {%- set s3 = '(1.0e0 / (' ~ xv ~ ' * ' ~ xv ~ '))' -%}
    {%- set xsq = '(floor(' ~ y ~ ' * 16.0e0) / 16.0e0)' -%}
    {%- set tail_factor = '(exp(-' ~ xsq ~ ' * ' ~ xsq ~ ' * 0.5e0) * exp(-(' ~ y ~ ' - ' ~ xsq ~ ') * (' ~ y ~ ' + ' ~ xsq ~ ') * 0.5e0))' -%}
    {%- set mid_ratio = _stat_horner(y, [c[8], c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) ~ ' / '
        ~ _stat_horner(y, ['1.0e0', d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]) -%}
    {%- set far_ratio = '(3.98942280401432677939946059934e-1 - ' ~ s3 ~ ' * '
        ~ _stat_horner(s3, [p[5], p[0], p[1], p[2], p[3], p[4]]) ~ ' / '
        ~ _stat_horner(s3, ['1.0e0', q[0], q[1], q[2], q[3], q[4]]) ~ ') / ' ~ y -%}
    (case
        when {{ xv }} is null then null
        when {{ y }} <= 6.7448975e-1 then
            0.5e0 + {{ xv }} * {{ _stat_horner(s1, [a[4], a[0], a[1], a[2], a[3]]) }}
            / {{ _stat_horner(s1, ['1.0e0', b[0], b[1], b[2], b[3]]) }}
        when {{ y }} <= 5.656854249492380195206754896838e0 and {{ xv }} < 0 then
            {{ tail_factor }} * {{ mid_ratio }}
        when {{ y }} <= 5.656854249492380195206754896838e0 then
            1.0e0 - {{ tail_factor }} * {{ mid_ratio }}
        when {{ y }} > 4.0e1 and {{ xv }} < 0 then 0.0e0
        when {{ y }} > 4.0e1 then 1.0e0
        when {{ xv }} < 0 then
            {{ tail_factor }} * {{ far_ratio }}
        else
            1.0e0 - {{ tail_factor }} * {{ far_ratio }}
    end)
{%- endmacro %}

{% macro two_sided_p_value(z) -%}
    {#- 2 * (1 - Phi(|z|)), computed as 2 * Phi(-|z|) so small p-values keep their digits -#}
    (2.0e0 * {{ normal_cdf('-abs(' ~ z ~ ')') }})
{%- endmacro %}

{% macro normal_quantile(p) -%}
    {%- set a = ['3.3871328727963666080e0', '1.3314166789178437745e2', '1.9715909503065514427e3',
                 '1.3731693765509461125e4', '4.5921953931549871457e4', '6.7265770927008700853e4',
                 '3.3430575583588128105e4', '2.5090809287301226727e3'] -%}
    {%- set b = ['1.0e0', '4.2313330701600911252e1', '6.8718700749205790830e2', '5.3941960214247511077e3',
                 '2.1213794301586595867e4', '3.9307895800092710610e4', '2.8729085735721942674e4',
                 '5.2264952788528545610e3'] -%}
    {%- set c = ['1.42343711074968357734e0', '4.63033784615654529590e0', '5.76949722146069140550e0',
                 '3.64784832476320460504e0', '1.27045825245236838258e0', '2.41780725177450611770e-1',
                 '2.27238449892691845833e-2', '7.74545014278341407640e-4'] -%}
    {%- set d = ['1.0e0', '2.05319162663775882187e0', '1.67638483018380384940e0', '6.89767334985100004550e-1',
                 '1.48103976427480074590e-1', '1.51986665636164571966e-2', '5.47593808499534494600e-4',
                 '1.05075007164441684324e-9'] -%}
    {%- set e = ['6.65790464350110377720e0', '5.46378491116411436990e0', '1.78482653991729133580e0',
                 '2.96560571828504891230e-1', '2.65321895265761230930e-2', '1.24266094738807843860e-3',
                 '2.71155556874348757815e-5', '2.01033439929228813265e-7'] -%}
    {%- set f = ['1.0e0', '5.99832206555887937690e-1', '1.36929880922735805310e-1', '1.48753612908506148525e-2',
                 '7.86869131145613259100e-4', '1.84631831751005468180e-5', '1.42151175831644588870e-7',
                 '2.04426310338993978564e-15'] -%}
    {%- set pv = '(' ~ p ~ ')' -%}
    {%- set q = '(' ~ pv ~ ' - 0.5e0)' -%}
    {%- set r1 = '(1.80625e-1 - ' ~ q ~ ' * ' ~ q ~ ')' -%}
    {%- set rr = '(sqrt(-ln(least(' ~ pv ~ ', 1.0e0 - ' ~ pv ~ '))))' -%}
    {%- set r2 = '(' ~ rr ~ ' - 1.6e0)' -%}
    {%- set r3 = '(' ~ rr ~ ' - 5.0e0)' -%}
    {%- set sign = '(case when ' ~ q ~ ' < 0 then -1.0e0 else 1.0e0 end)' -%}
    (case
        when {{ pv }} is null or {{ pv }} <= 0 or {{ pv }} >= 1 then null
        when abs{{ q }} <= 4.25e-1 then
            {{ q }} * {{ _stat_horner(r1, a | reverse | list) }} / {{ _stat_horner(r1, b | reverse | list) }}
        when {{ rr }} <= 5.0e0 then
            {{ sign }} * {{ _stat_horner(r2, c | reverse | list) }} / {{ _stat_horner(r2, d | reverse | list) }}
        else
            {{ sign }} * {{ _stat_horner(r3, e | reverse | list) }} / {{ _stat_horner(r3, f | reverse | list) }}
    end)
{%- endmacro %}
