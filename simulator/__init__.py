"""Synthetic raw landing zone for the short-video metrics warehouse.

`python -m simulator --out DIR` writes DIR/raw/<system>/<table>/*.parquet and
DIR/truth/*.csv (what was injected, so checks can score the warehouse).
"""
__all__ = ["run"]


def run(cfg):  # lazy import keeps `import simulator` cheap
    from .run import run as _run
    return _run(cfg)
