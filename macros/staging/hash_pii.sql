{#
    Keyed hash of a PII value (device id, IP address): HMAC-SHA256 with the
    secret key env SV_PII_KEY, as 64 hex digits (docs/pii.md). Equal values
    still join (network detection needs that); without the key nobody can
    hash a dictionary of device ids or the IPv4 space to reverse them, as
    they could with the salted MD5 this replaced. Null stays null.

    The key is read where the engine runs, never written into SQL text: dbt
    logs every statement, keeps the compiled SQL in target/, and keeps the
    value of every env var a model reads through env_var() in
    target/partial_parse.msgpack; a view stores its text in the warehouse.
    So no view hashes: the tables that persist hashes (stg_app__events,
    stg_app__rejected_rows) do, and the base_ views pass raw values through.
#}
{% macro hash_pii(column) -%}
    {{ hmac_sha256_hex(column, pii_key()) }}
{%- endmacro %}


{#- Body of a CTE: the distinct non-null values of `column` in `relation`
    (rows matching `where`) and their hash as <column>_hash, for a lookup.
    Device ids and IPs repeat across many events, and an HMAC (4 SHA-256
    blocks) costs several times the former MD5, so each distinct value is
    hashed once (figures: docs/benchmarks.md, Design measurements). -#}
{% macro distinct_pii_hashes(relation, column, where='true') -%}
    select
        pii_values.{{ column }},
        {{ hash_pii('pii_values.' ~ column) }} as {{ column }}_hash
    from (
        select distinct {{ column }}
        from {{ relation }}
        where
            {{ column }} is not null
            and {{ where }}
    ) as pii_values
{%- endmacro %}


{#- SQL text expression: the key, or the development key when SV_PII_KEY is
    unset or empty (assert_pii_key_usable() warns, and refuses production). -#}
{% macro pii_key() -%}
    coalesce({{ pii_key_from_environment() }}, '{{ pii_development_key() }}')
{%- endmacro %}

{#- Not a secret: it is in this file. Refused in production. -#}
{% macro pii_development_key() -%}
    {{ return('dev-only-pii-key-not-secret') }}
{%- endmacro %}


{#- SQL text expression: env SV_PII_KEY as the engine's process sees it,
    null when unset or empty. -#}
{% macro pii_key_from_environment() -%}
    {{ return(adapter.dispatch('pii_key_from_environment', 'shortvideo_metrics')()) }}
{%- endmacro %}

{% macro default__pii_key_from_environment() -%}
    {{ exceptions.raise_compiler_error(
        "No way to read the PII key (SV_PII_KEY) on adapter '" ~ target.type
        ~ "': add a " ~ target.type ~ "__pii_key_from_environment() to macros/staging/hash_pii.sql (docs/pii.md).") }}
{%- endmacro %}

{#- set on each cursor by the plugin dbt_plugins/shortvideo_pii_key.py -#}
{% macro duckdb__pii_key_from_environment() -%}
    nullif(getvariable('sv_pii_key'), '')
{%- endmacro %}

{#- Spark's java_method runs System.getenv in the JVM that evaluates it (in
    session mode the one dbt started, which inherits dbt's environment; it
    gives the text 'null' for an unset variable). Not ${env:SV_PII_KEY}:
    Spark substitutes that into the statement before parsing, so the key
    would be in the text of any view and of parse errors; nor a conf named
    like a secret, which Spark substitutes in its redacted form. -#}
{% macro spark__pii_key_from_environment() -%}
    nullif(nullif(java_method('java.lang.System', 'getenv', 'SV_PII_KEY'), 'null'), '')
{%- endmacro %}


{#- SQL text expression: is env SV_PII_SALT (the retired salt) set? Null on
    DuckDB when the plugin is not loaded. -#}
{% macro pii_retired_salt_is_set() -%}
    {{ return(adapter.dispatch('pii_retired_salt_is_set', 'shortvideo_metrics')()) }}
{%- endmacro %}

{% macro default__pii_retired_salt_is_set() -%}
    {{ default__pii_key_from_environment() }}
{%- endmacro %}

{% macro duckdb__pii_retired_salt_is_set() -%}
    getvariable('sv_pii_old_salt_is_set')
{%- endmacro %}

{% macro spark__pii_retired_salt_is_set() -%}
    (java_method('java.lang.System', 'getenv', 'SV_PII_SALT') <> 'null')
{%- endmacro %}


{#- A query of one row and column, pii_key_status: what the key is, in one
    word (never the key): key_plugin_not_loaded, retired_salt_variable_set,
    development_key, key_too_short or usable. -#}
{% macro pii_key_status_query() -%}
    select
        case
            when {{ pii_retired_salt_is_set() }} is null then 'key_plugin_not_loaded'
            when {{ pii_retired_salt_is_set() }} then 'retired_salt_variable_set'
            when {{ pii_key() }} = '{{ pii_development_key() }}' then 'development_key'
            when length({{ pii_key() }}) < {{ pii_key_minimum_length() }} then 'key_too_short'
            else 'usable'
        end as pii_key_status
{%- endmacro %}

{#- A shorter key could be guessed (docs/pii.md: 64 hex digits of a random generator). -#}
{% macro pii_key_minimum_length() -%}
    {{ return(32) }}
{%- endmacro %}
