"""dbt-score rules of this project (docs/quality_scores.md).

dbt-score loads every rule of this package when it runs from the repository
root (pyproject.toml, [tool.dbt-score] rule_namespaces).
"""
