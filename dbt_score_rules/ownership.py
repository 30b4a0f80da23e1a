"""Ownership is a dbt group's owner (models/_groups.yml), not meta.owner.

dbt-score's has_owner and seed_has_owner look for meta.owner, which would
restate the owner on every node. Here a model or seed passes when it is in a
group: dbt refuses a group without an owner, so being in one is having one.
dbt_project.yml puts every folder in a group.
"""
from dbt_score import Model, RuleViolation, Seed, rule


@rule
def model_in_group(model: Model) -> RuleViolation | None:
    """A model belongs to a group, whose owner owns it."""
    if not model.group:
        return RuleViolation(message="Model is in no group: give its folder a +group in dbt_project.yml.")
    return None


@rule
def seed_in_group(seed: Seed) -> RuleViolation | None:
    """A seed belongs to a group, whose owner owns it."""
    if not seed.config.get("group"):
        return RuleViolation(message="Seed is in no group: give it a +group in dbt_project.yml.")
    return None
