{#-
    Two-sided 5% critical value of Student's t with df degrees of freedom
    (the 0.975 quantile), for the few-cluster reference intervals (df = G - 1).
    Neither DuckDB nor Spark has the t quantile; the values for df 1..30 are
    scipy.stats.t.ppf(0.975, df) to 17 significant digits. Null above 30
    (the few-cluster case this serves ends there) and for df < 1.
-#}
{% macro student_t_critical_975(df) -%}
    {%- set values = [12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934,
                      2.5705818356363146, 2.4469118511449786, 2.364624251592784, 2.306004135204166,
                      2.262157162798205, 2.228138851986274, 2.200985160091639, 2.1788128296672284,
                      2.1603686564627913, 2.144786687917804, 2.131449545559776, 2.1199052992212546,
                      2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
                      2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245,
                      2.0595385527532972, 2.0555294386428735, 2.0518305164802846, 2.0484071417952454,
                      2.045229642132703, 2.0422724563012378] -%}
    (case {{ df }}
        {%- for value in values %}
        when {{ loop.index }} then {{ value }}e0
        {%- endfor %}
    end)
{%- endmacro %}
