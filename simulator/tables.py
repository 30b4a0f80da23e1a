"""In-memory table with typed columns, fault overrides and the Parquet writer.

Ids stay integers until the very end (formatted by pyarrow in C++), enums stay
small integer codes; faults that need text that no generator would produce
(malformed ids, unknown enum values, blanks) are kept as sparse overrides.
"""
import os

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .common import DAY, TS_NULL

ARROW = {
    "id": pa.string(), "unit": pa.string(), "enum": pa.string(), "str": pa.string(),
    "ts": pa.timestamp("us"), "date": pa.date32(),
    "i64": pa.int64(), "i32": pa.int32(), "f64": pa.float64(), "bool": pa.bool_(),
}


class Col:
    __slots__ = ("kind", "data", "meta", "null")

    def __init__(self, kind, data, meta=None, null=None):
        self.kind, self.data, self.meta, self.null = kind, data, meta, null

    def take(self, idx):
        if self.kind == "str" and isinstance(self.data, pa.Array):
            data = self.data.take(pa.array(idx))
        else:
            data = self.data[idx]
        null = None if self.null is None else self.null[idx]
        meta = (self.meta[0][idx], self.meta[1]) if self.kind == "unit" else self.meta
        return Col(self.kind, data, meta, null)


def id_col(values, prefix, width=6):
    return Col("id", np.asarray(values, np.int64), (prefix, width))


def enum_col(codes, values):
    return Col("enum", np.asarray(codes, np.int16), list(values))


def ts_col(values):
    return Col("ts", np.asarray(values, np.int64))


def num_col(kind, values, null=None):
    return Col(kind, np.asarray(values), None, null)


class Table:
    def __init__(self, system, name, cols):
        self.system, self.name = system, name
        self.cols = dict(cols)
        lens = {len(c.data) for c in self.cols.values()}
        assert len(lens) == 1, (name, {k: len(c.data) for k, c in self.cols.items()})
        self.n = lens.pop()
        self.over = {}   # column -> {row position: replacement text or None}

    def __len__(self):
        return self.n

    def take(self, idx):
        assert not self.over
        return Table(self.system, self.name, {k: c.take(idx) for k, c in self.cols.items()})

    def append_copies(self, src, loaded_at):
        """Exact copies of rows `src` with a new _loaded_at (duplicate deliveries)."""
        for k, c in self.cols.items():
            cp = c.take(src)
            if c.kind == "str" and isinstance(c.data, pa.Array):
                c.data = pa.concat_arrays([c.data, cp.data])
            else:
                c.data = np.concatenate([c.data, cp.data])
            if c.null is not None:
                c.null = np.concatenate([c.null, cp.null])
            if c.kind == "unit":
                c.meta = (np.concatenate([c.meta[0], cp.meta[0]]), c.meta[1])
        self.cols["_loaded_at"].data[self.n:] = loaded_at
        self.n += len(src)

    def override(self, col, pos, value):
        self.over.setdefault(col, {})[int(pos)] = value

    # ---- conversion -------------------------------------------------------
    def column_arrow(self, name):
        c = self.cols[name]
        if c.kind == "id":
            prefix, width = c.meta
            v = c.data
            arr = pa.array(v, mask=v < 0)
            s = pc.utf8_lpad(pc.cast(arr, pa.string()), width, "0")
            arr = pc.binary_join_element_wise(prefix + "_", s, "")
        elif c.kind == "unit":
            # mixed-entity ids (experiment units): prefix chosen per row
            kinds, pref = c.meta
            v = c.data
            arr = None
            for k, (prefix, width) in enumerate([pref["user"], pref["labeler"], pref["user"]]):
                s = pc.binary_join_element_wise(
                    prefix + "_", pc.utf8_lpad(pc.cast(pa.array(v, mask=v < 0), pa.string()), width, "0"), "")
                arr = s if arr is None else pc.if_else(pa.array(kinds == k), s, arr)
        elif c.kind == "enum":
            codes = c.data.astype(np.int32)
            arr = pa.DictionaryArray.from_arrays(
                pa.array(codes, mask=codes < 0), pa.array(c.meta, pa.string())).cast(pa.string())
        elif c.kind == "str":
            arr = c.data if isinstance(c.data, pa.Array) else pa.array(c.data, pa.string())
        elif c.kind == "ts":
            arr = pa.array(c.data, mask=c.data == TS_NULL).cast(pa.timestamp("us"))
        elif c.kind == "date":
            arr = pa.array(c.data.astype(np.int32)).cast(pa.date32())
        elif c.kind == "f64":
            d = c.data.astype(np.float64)
            mask = np.isnan(d) if c.null is None else c.null
            arr = pa.array(d, mask=mask)
        else:
            d = c.data.astype({"i64": np.int64, "i32": np.int32, "bool": np.bool_}[c.kind])
            arr = pa.array(d, mask=c.null) if c.null is not None else pa.array(d)
        arr = arr.cast(ARROW[c.kind]) if arr.type != ARROW[c.kind] else arr
        if name in self.over:
            o = self.over[name]
            mask = np.zeros(self.n, bool)
            pos = np.array(sorted(o))
            mask[pos] = True
            arr = pc.replace_with_mask(arr, pa.array(mask),
                                       pa.array([o[p] for p in pos], ARROW[c.kind]))
        return arr

    def to_arrow(self, order=None, consume=False):
        """Arrow table; with `order`, rows taken in that order one column at a time, so
        only one unordered column is alive at once (lower peak memory than table.take).
        `consume` drops each numpy column once converted: the table is unusable after."""
        if order is None:
            return pa.table({k: self.column_arrow(k) for k in self.cols})
        idx = pa.array(order)
        out = {}
        for k in list(self.cols):
            out[k] = self.column_arrow(k).take(idx)
            if consume:
                self.cols[k] = None
        return pa.table(out)


def landing_days(table):
    """Epoch day (UTC) on which each row lands."""
    return table.cols["_loaded_at"].data // DAY


def write_table(table, raw_dir, first_day=None, last_day=None, placeholder=True, consume=False):
    """One Parquet file per landing day (UTC date of _loaded_at), rows in load order.

    Only landing days in [first_day, last_day] (epoch days, None = open) are written,
    so a partial or incremental write holds exactly the files of a full one. With
    `placeholder`, a folder that gets no file holds `landed_empty.parquet` (0 rows,
    full schema) so a glob over it still reads. `consume` frees the table's numpy
    columns while converting (callers that are done with the table).
    """
    folder = os.path.join(raw_dir, table.system, table.name)
    loaded = table.cols["_loaded_at"].data
    lo = np.iinfo(np.int64).min if first_day is None else int(first_day)
    hi = np.iinfo(np.int64).max if last_day is None else int(last_day)
    if not placeholder and not ((loaded // DAY >= lo) & (loaded // DAY <= hi)).any():
        return 0   # nothing to write: skip the Arrow conversion
    os.makedirs(folder, exist_ok=True)
    order = np.argsort(loaded, kind="stable")
    at = table.to_arrow(order, consume)
    day = loaded[order] // DAY
    cuts = np.flatnonzero(np.diff(day)) + 1
    bounds = np.r_[0, cuts, len(day)] if len(day) else np.array([0, 0])
    files = 0
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b <= a or not lo <= day[a] <= hi:
            continue
        d = np.datetime64(int(day[a]), "D")
        pq.write_table(at.slice(a, b - a), os.path.join(folder, f"landed_{d}.parquet"),
                       compression="zstd")
        files += 1
    if files == 0 and placeholder:  # keep the folder readable with the right schema
        pq.write_table(at.slice(0, 0), os.path.join(folder, "landed_empty.parquet"), compression="zstd")
    return files
