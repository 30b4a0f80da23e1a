"""In-memory table with typed columns, fault overrides and the Parquet writer.

Ids stay integers until the very end (formatted by pyarrow in C++), enums stay
small integer codes; faults that need text that no generator would produce
(malformed ids, unknown enum values, blanks) are kept as sparse overrides.

Memory (100M app events must fit in a few GiB): ids are stored as int32 whenever
they fit, a column may be a lookup (`lut[data]`, e.g. the session's device for
each event, sharing one index array between columns), IPs stay integers, and the
writer converts to Arrow one landing-day file at a time.
"""
import os

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .common import DAY, TS_NULL

ARROW = {
    "id": pa.string(), "unit": pa.string(), "enum": pa.string(), "str": pa.string(), "ip": pa.string(),
    "ts": pa.timestamp("us"), "date": pa.date32(),
    "i64": pa.int64(), "i32": pa.int32(), "f64": pa.float64(), "bool": pa.bool_(),
}


class Col:
    """One column. With `lut`, the values are lut[data] (data holds row indexes
    into lut, and may be shared with other columns: it is never written to)."""
    __slots__ = ("kind", "data", "meta", "null", "lut")

    def __init__(self, kind, data, meta=None, null=None, lut=None):
        self.kind, self.data, self.meta, self.null, self.lut = kind, data, meta, null, lut

    def values(self, rows=None):
        """The column's values (at `rows`; all when None)."""
        d = self.data if rows is None else self.data[rows]
        return d if self.lut is None else self.lut[d]

    def materialize(self):
        """Turn a lookup column into a plain one (before writing into it)."""
        if self.lut is not None:
            self.data, self.lut = self.lut[self.data], None

    def take(self, idx):
        if self.kind == "str" and isinstance(self.data, pa.Array):
            data = self.data.take(pa.array(idx))
        else:
            data = self.data[idx]
        null = None if self.null is None else self.null[idx]
        meta = (self.meta[0][idx], self.meta[1]) if self.kind == "unit" else self.meta
        return Col(self.kind, data, meta, null, self.lut)


def compact_ids(values):
    """int32 when every id fits (faults only write -1 and 9-digit orphan ids, which
    fit too), else int64; the written strings are the same either way."""
    v = np.asarray(values)
    if v.dtype == np.int32:
        return v
    if v.size == 0 or (v.min() >= -2 ** 31 and v.max() < 2 ** 31):
        return v.astype(np.int32)
    return v.astype(np.int64)


def id_col(values, prefix, width=6, lut=None):
    if lut is not None:
        return Col("id", np.asarray(values), (prefix, width), lut=compact_ids(lut))
    return Col("id", compact_ids(values), (prefix, width))


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
        shared = {}   # columns sharing one index array (lookups) keep sharing it
        for k, c in self.cols.items():
            shared.setdefault(id(c.data), []).append(c)
        for group in shared.values():
            c = group[0]
            if c.kind == "str" and isinstance(c.data, pa.Array):
                data = pa.concat_arrays([c.data, c.data.take(pa.array(src))])
            else:
                data = np.concatenate([c.data, c.data[src]])
            for c in group:
                c.data = data
                if c.null is not None:
                    c.null = np.concatenate([c.null, c.null[src]])
                if c.kind == "unit":
                    c.meta = (np.concatenate([c.meta[0], c.meta[0][src]]), c.meta[1])
        self.cols["_loaded_at"].data[self.n:] = loaded_at
        self.n += len(src)

    def override(self, col, pos, value):
        self.over.setdefault(col, {})[int(pos)] = value

    # ---- conversion -------------------------------------------------------
    def column_arrow(self, name, rows=None):
        """Arrow array of column `name` (of rows `rows` in that order; all when None)."""
        c = self.cols[name]
        if c.kind == "str" and isinstance(c.data, pa.Array):
            v = c.data   # taken below
        else:
            v = c.values(rows)
        null = c.null if (c.null is None or rows is None) else c.null[rows]
        if c.kind == "id":
            prefix, width = c.meta
            arr = pa.array(v, mask=v < 0)
            s = pc.utf8_lpad(pc.cast(arr, pa.string()), width, "0")
            arr = pc.binary_join_element_wise(prefix + "_", s, "")
        elif c.kind == "unit":
            # mixed-entity ids (experiment units): prefix chosen per row
            kinds, pref = c.meta
            kinds = kinds if rows is None else kinds[rows]
            arr = None
            for k, (prefix, width) in enumerate([pref["user"], pref["labeler"], pref["user"]]):
                s = pc.binary_join_element_wise(
                    prefix + "_", pc.utf8_lpad(pc.cast(pa.array(v, mask=v < 0), pa.string()), width, "0"), "")
                arr = s if arr is None else pc.if_else(pa.array(kinds == k), s, arr)
        elif c.kind == "enum":
            codes = v.astype(np.int32)
            arr = pa.DictionaryArray.from_arrays(
                pa.array(codes, mask=codes < 0), pa.array(c.meta, pa.string())).cast(pa.string())
        elif c.kind == "str":
            if isinstance(v, pa.Array):
                arr = v if rows is None else v.take(pa.array(rows))
            else:
                arr = pa.array(v, pa.string())
        elif c.kind == "ip":
            arr = ip_strings(v)
        elif c.kind == "ts":
            arr = pa.array(v, mask=v == TS_NULL).cast(pa.timestamp("us"))
        elif c.kind == "date":
            arr = pa.array(v.astype(np.int32)).cast(pa.date32())
        elif c.kind == "f64":
            d = v.astype(np.float64)
            mask = np.isnan(d) if null is None else null
            arr = pa.array(d, mask=mask)
        else:
            d = v.astype({"i64": np.int64, "i32": np.int32, "bool": np.bool_}[c.kind])
            arr = pa.array(d, mask=null) if null is not None else pa.array(d)
        arr = arr.cast(ARROW[c.kind]) if arr.type != ARROW[c.kind] else arr
        if name in self.over:
            o = self.over[name]
            pos = np.array(sorted(o), np.int64)
            # positions (in output order) of the overridden rows; values in that order
            hit = pos if rows is None else np.flatnonzero(np.isin(rows, pos))
            src = hit if rows is None else np.asarray(rows)[hit]
            if len(hit):
                mask = np.zeros(len(arr), bool)
                mask[hit] = True
                arr = pc.replace_with_mask(arr, pa.array(mask),
                                           pa.array([o[int(p)] for p in src], ARROW[c.kind]))
        return arr

    def to_arrow(self, rows=None):
        """Arrow table of rows `rows` (in that order; all when None)."""
        return pa.table({k: self.column_arrow(k, rows) for k in self.cols})


def ip_strings(v):
    """Dotted-quad text of integer IPv4 addresses."""
    v = np.asarray(v, np.int64)
    parts = [pc.cast(pa.array((v >> s) & 255), pa.string()) for s in (24, 16, 8, 0)]
    return pc.binary_join_element_wise(*parts, ".")


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
    day = loaded[order]
    day //= DAY
    bounds = np.r_[0, np.flatnonzero(day[1:] != day[:-1]) + 1, len(day)] if len(day) else np.array([0, 0])
    first_of = day[bounds[:-1]] if len(day) else np.array([], np.int64)
    del day
    files = 0
    # one landing day at a time: only that day's rows are ever Arrow (strings)
    for a, b, d in zip(bounds[:-1], bounds[1:], first_of):
        if b <= a or not lo <= d <= hi:
            continue
        at = table.to_arrow(order[a:b])
        pq.write_table(at, os.path.join(folder, f"landed_{np.datetime64(int(d), 'D')}.parquet"),
                       compression="zstd")
        del at
        files += 1
    if files == 0 and placeholder:  # keep the folder readable with the right schema
        pq.write_table(table.to_arrow(order[:0]), os.path.join(folder, "landed_empty.parquet"),
                       compression="zstd")
    if consume:
        table.cols = {k: None for k in table.cols}
    return files
