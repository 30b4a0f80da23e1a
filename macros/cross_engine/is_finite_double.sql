{#
    True when the double `expression` is a finite number, false for NaN, inf and -inf, null for
    null. Portable without isnan/isinf (Spark has no isinf): both engines order NaN above every
    number, so NaN and the infinities are exactly the values whose abs() exceeds the largest
    finite double.
#}
{% macro is_finite_double(expression) -%}
    (abs({{ expression }}) <= 1.7976931348623157e308)
{%- endmacro %}
