-- Invariant: fct_core_indicators and seeds/core_indicator_catalog.csv describe the same
-- indicators: every catalog metric has rows and no other metric does (relationships covers
-- the second half on the model), each metric is cut by exactly the dimensions its catalog row
-- lists ('|'-separated, all included), carries the catalog's domain, and a count has
-- denominator 1. Why: the catalog is the documentation an analyst reads (definition, owner,
-- dimensions); an indicator added, dropped or sliced in the SQL alone would leave it wrong.
-- One pass over the mart; returns the metrics that disagree, with what was found.
with

indicators as (

    select * from {{ ref('fct_core_indicators') }}

),

catalog as (

    select * from {{ ref('core_indicator_catalog') }}

),

found as (

    select
        metric_name,
        dimension_name,
        min(domain) as domain,
        max(domain) as max_domain,
        sum(case when denominator <> 1 then 1 else 0 end) as rows_with_a_denominator
    from indicators
    group by metric_name, dimension_name

),

compared as (

    select
        coalesce(catalog.metric_name, found.metric_name) as metric_name,
        found.dimension_name,
        catalog.dimensions as catalog_dimensions,
        catalog.domain as catalog_domain,
        found.domain,
        found.max_domain,
        catalog.metric_kind,
        found.rows_with_a_denominator,
        -- the catalog lists each dimension once, so its count is the separators + 1
        length(catalog.dimensions) - length(replace(catalog.dimensions, '|', '')) + 1 as catalog_dimension_count,
        count(found.dimension_name) over (
            partition by coalesce(catalog.metric_name, found.metric_name)
        ) as found_dimension_count,
        {{ dbt.position(
            dbt.concat(["'|'", 'found.dimension_name', "'|'"]),
            dbt.concat(["'|'", 'catalog.dimensions', "'|'"])
        ) }} > 0 as is_listed
    from catalog
    full outer join found
        on catalog.metric_name = found.metric_name

),

final as (

    select *
    from compared
    where
        metric_kind is null
        or dimension_name is null
        or not is_listed
        or found_dimension_count <> catalog_dimension_count
        or domain <> catalog_domain
        or max_domain <> domain
        or (metric_kind = 'count' and rows_with_a_denominator > 0)

)

select * from final
