"""Shared simulation state: the calendar, the config and named random streams."""
import numpy as np

from .common import DAY, date_us, stream, weekday_of_epoch_day, WEEKDAY_MULT


class World:
    def __init__(self, cfg):
        self.cfg = cfg
        self.seed = cfg.seed
        self.D = int(cfg.days)
        self.start_us = date_us(cfg.start_date)
        self.end_us = self.start_us + self.D * DAY          # exclusive end of the window
        self.day_us = self.start_us + np.arange(self.D, dtype=np.int64) * DAY
        self.dow = weekday_of_epoch_day(self.day_us // DAY)  # Monday = 0
        self.season = WEEKDAY_MULT[self.dow]
        self.backfill_us = self.start_us + 5 * 60 * 1_000_000  # initial load of history
        self.tables = {}     # (system, name) -> Table
        self.truth = {}      # file stem -> DataFrame
        self.protect = {}    # (system, name) -> bool mask of rows that must stay clean

    def rng(self, name):
        return stream(self.seed, name)

    def day_of(self, ts):
        return ((np.asarray(ts) - self.start_us) // DAY).astype(np.int64)

    def loaded(self, r, ts, lo_min=1, hi_min=90):
        """Normal landing time: shortly after the row's latest timestamp, never before
        the initial backfill of history."""
        ts = np.asarray(ts, np.int64)
        d = r.integers(lo_min * 60_000_000, hi_min * 60_000_000, size=len(ts))
        d += ts     # in place (large tables): same values as ts + d
        b = r.integers(0, 60_000_000, size=len(ts))
        b += self.backfill_us
        return np.maximum(d, b, out=d)
