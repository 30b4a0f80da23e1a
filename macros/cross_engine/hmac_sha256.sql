{#
    HMAC-SHA256 of a text (RFC 2104), as 64 lowercase hex digits:
        H((K' xor opad) || H((K' xor ipad) || message))
    H is SHA-256 (64-byte blocks); K' is the key (UTF-8 bytes) zero-padded to
    one block, or SHA-256(key) first when the key is longer than a block;
    ipad and opad are the bytes 0x36 and 0x5c repeated. Both engines have
    SHA-256 of bytes and hex, but no HMAC: the pads are computed from the key
    in a scalar subquery (run once per query, not per row), xor-ed over
    4-byte chunks because bigint xor is what both engines share.
    Null message, null hash. key: a SQL expression of text; it is read where
    the engine runs (hash_pii.sql), so its value is in no SQL text.
#}
{% macro hmac_sha256_hex(message, key) -%}
    {{ sha256_hex(
        hmac_key_pad(key, '5c') ~ ' || unhex('
        ~ sha256_hex(hmac_key_pad(key, '36') ~ ' || ' ~ utf8_bytes(message)) ~ ')'
    ) }}
{%- endmacro %}

{#- (K' xor the byte pad_byte repeated), as bytes: a scalar subquery. -#}
{% macro hmac_key_pad(key, pad_byte) -%}
    {%- set key_bytes = utf8_bytes(key) -%}
    {%- set pad_word = (pad_byte * 4) | int(base=16) -%}
    (
        select unhex(concat(
            {%- for chunk in range(16) %}
            lpad(hex({{ bitwise_xor(hex_to_bigint('substr(key_block.key_block_hex, ' ~ (8 * chunk + 1) ~ ', 8)'), pad_word) }}), 8, '0')
            {{- ',' if not loop.last }}
            {%- endfor %}
        ))
        from (
            select rpad(
                case
                    when octet_length({{ key_bytes }}) > 64 then {{ sha256_hex(key_bytes) }}
                    else hex({{ key_bytes }})
                end, 128, '0'
            ) as key_block_hex
        ) as key_block
    )
{%- endmacro %}


{#- The engine shims: UTF-8 bytes of a text, -#}
{% macro utf8_bytes(text) -%}
    {{ return(adapter.dispatch('utf8_bytes', 'shortvideo_metrics')(text)) }}
{%- endmacro %}

{% macro default__utf8_bytes(text) -%}
    encode({{ text }}, 'UTF-8')
{%- endmacro %}

{#- (DuckDB's cast of text to blob reads \x escapes: encode() does not) -#}
{% macro duckdb__utf8_bytes(text) -%}
    encode({{ text }})
{%- endmacro %}


{#- SHA-256 of bytes as lowercase hex, -#}
{% macro sha256_hex(bytes) -%}
    {{ return(adapter.dispatch('sha256_hex', 'shortvideo_metrics')(bytes)) }}
{%- endmacro %}

{% macro default__sha256_hex(bytes) -%}
    sha2({{ bytes }}, 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(bytes) -%}
    sha256({{ bytes }})
{%- endmacro %}


{#- a bigint from (up to 15) hex digits, -#}
{% macro hex_to_bigint(hex_digits) -%}
    {{ return(adapter.dispatch('hex_to_bigint', 'shortvideo_metrics')(hex_digits)) }}
{%- endmacro %}

{% macro default__hex_to_bigint(hex_digits) -%}
    cast(conv({{ hex_digits }}, 16, 10) as bigint)
{%- endmacro %}

{% macro duckdb__hex_to_bigint(hex_digits) -%}
    cast('0x' || {{ hex_digits }} as bigint)
{%- endmacro %}


{#- and the bitwise xor of two bigints (DuckDB's ^ is a power). -#}
{% macro bitwise_xor(left, right) -%}
    {{ return(adapter.dispatch('bitwise_xor', 'shortvideo_metrics')(left, right)) }}
{%- endmacro %}

{% macro default__bitwise_xor(left, right) -%}
    ({{ left }} ^ {{ right }})
{%- endmacro %}

{% macro duckdb__bitwise_xor(left, right) -%}
    xor({{ left }}, {{ right }})
{%- endmacro %}
