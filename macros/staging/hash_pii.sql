{#
    Salted MD5 of a PII value (device id, IP address), so staging never
    exposes the raw value but equal inputs still join (network detection
    needs that). The salt is env SV_PII_SALT; its default is for local
    development only (production sets it from a secret store). Null stays null.
#}
{% macro hash_pii(column) -%}
    case
        when {{ column }} is not null
            then {{ dbt.hash(dbt.concat([dbt.string_literal(env_var('SV_PII_SALT', 'dev-only-salt-not-secret')), column])) }}
    end
{%- endmacro %}
