{#
    on-run-start (dbt_project.yml): judge the PII key (docs/pii.md) before
    any node runs. The engine is asked what the key is in one word
    (pii_key_status_query(), macros/staging/hash_pii.sql): dbt never reads
    the key, so it cannot print it. Stops the run when the retired
    SV_PII_SALT is still set, when the key is shorter than 32 characters,
    when the DuckDB plugin that hands the key over is not loaded, and in
    production (env SV_ENVIRONMENT=production) when the development key is
    used; warns when the development key is used elsewhere. Returns no SQL.
#}
{% macro assert_pii_key_usable() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set environment = env_var('SV_ENVIRONMENT', 'development') -%}
    {%- if environment not in ['development', 'production'] -%}
        {{ exceptions.raise_compiler_error(
            "SV_ENVIRONMENT is '" ~ environment ~ "': set it to production (the key must then be a secret)"
            ~ " or development (the default).") }}
    {%- endif -%}
    {%- set status = run_query(pii_key_status_query()).columns[0].values()[0] -%}
    {%- set how_to_set = " Generate a key with `openssl rand -hex 32` (or"
        ~ " `python -c 'import secrets; print(secrets.token_hex(32))'`), keep it in your secret store, export it as"
        ~ " SV_PII_KEY, then run `dbt build --full-refresh` once: every hash changes (docs/pii.md)." -%}
    {%- if status == 'key_plugin_not_loaded' -%}
        {{ exceptions.raise_compiler_error(
            "The PII key cannot reach DuckDB: the dbt-duckdb plugin shortvideo_pii_key is not loaded. The target '"
            ~ target.name ~ "' needs `module_paths` and `plugins` as the dev target of this project's profiles.yml has"
            ~ " them (docs/pii.md).") }}
    {%- elif status == 'retired_salt_variable_set' -%}
        {{ exceptions.raise_compiler_error(
            "SV_PII_SALT is set, but the PII hashes no longer use a salt: they are keyed hashes (HMAC-SHA256)"
            ~ " whose key is SV_PII_KEY. Rename the variable: unset SV_PII_SALT and set SV_PII_KEY to a secret of"
            ~ " at least " ~ pii_key_minimum_length() ~ " characters." ~ how_to_set) }}
    {%- elif status == 'key_too_short' -%}
        {{ exceptions.raise_compiler_error(
            "SV_PII_KEY is shorter than " ~ pii_key_minimum_length() ~ " characters: a short key can be guessed,"
            ~ " and with it every PII hash reversed." ~ how_to_set) }}
    {%- elif status == 'development_key' and environment == 'production' -%}
        {{ exceptions.raise_compiler_error(
            "SV_ENVIRONMENT is production but SV_PII_KEY is not set (or is the development key, which is"
            ~ " public): anyone could reverse the PII hashes with it. Nothing was built." ~ how_to_set) }}
    {%- elif status == 'development_key' -%}
        {%- do exceptions.warn(
            "SV_PII_KEY is not set: the PII hashes use the development key, which is public, so anyone can"
            ~ " reverse them with a dictionary. Fine for development; a production run (SV_ENVIRONMENT=production)"
            ~ " refuses it." ~ how_to_set) -%}
    {%- elif status != 'usable' -%}
        {{ exceptions.raise_compiler_error("Unknown PII key status '" ~ status ~ "' (macros/staging/hash_pii.sql).") }}
    {%- endif -%}
{% endmacro %}
