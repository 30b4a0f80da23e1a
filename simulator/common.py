"""Shared helpers: seeded random streams, time units, vectorised group helpers."""
import ctypes
import datetime as dt
import zlib

import numpy as np

US = 1_000_000            # timestamps are int64 microseconds since the epoch (UTC)
SEC = US
MIN = 60 * US
HOUR = 3600 * US
DAY = 86400 * US
TS_NULL = np.iinfo(np.int64).min   # null marker for int64 timestamp arrays
EPOCH = dt.date(1970, 1, 1)

COUNTRIES = ["US", "BR", "IN", "ID", "MX", "GB", "DE", "FR", "JP", "PH", "TR", "VN"]
COUNTRY_P = np.array([.22, .14, .14, .09, .08, .06, .06, .05, .05, .04, .04, .03])
COUNTRY_LANG = {"US": "en", "BR": "pt", "IN": "hi", "ID": "id", "MX": "es", "GB": "en",
                "DE": "de", "FR": "fr", "JP": "ja", "PH": "en", "TR": "tr", "VN": "vi"}
PLATFORMS = ["ios", "android", "web"]
PLATFORM_P = np.array([.35, .55, .10])

# Relative app use by UTC hour (evening peak), used for every human timestamp.
_DIURNAL = np.array([3, 2, 1.5, 1, 1, 1.2, 2, 3, 4, 4.5, 5, 5.5, 6, 6, 6, 6.5, 7, 7.5,
                     8.5, 9.5, 10, 9, 7, 5], float)
DIURNAL_P = _DIURNAL / _DIURNAL.sum()
# Monday..Sunday activity multipliers: weekends are busier in the app.
WEEKDAY_MULT = np.array([0.94, 0.93, 0.95, 0.97, 1.04, 1.17, 1.15])


def stream(seed, name):
    """Independent, reproducible random stream per purpose (crc32, never hash())."""
    ss = np.random.SeedSequence([int(seed), zlib.crc32(name.encode())])
    return np.random.Generator(np.random.PCG64(ss))


def date_us(d):
    return (d - EPOCH).days * DAY


def us_to_date(us):
    return EPOCH + dt.timedelta(days=int(us // DAY))


def weekday_of_epoch_day(epoch_day):
    return (np.asarray(epoch_day) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


def time_of_day(r, n):
    """Microseconds after midnight drawn from the diurnal curve."""
    hours = r.choice(24, size=n, p=DIURNAL_P)
    return hours * HOUR + r.integers(0, HOUR, size=n)


def starts_of(counts):
    counts = np.asarray(counts, np.int64)
    s = np.zeros(len(counts), np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=s[1:])
    return s


def rank_within(counts):
    """0..k-1 inside each consecutive group given group sizes."""
    counts = np.asarray(counts, np.int64)
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(starts_of(counts), counts)


def group_cumsum_exclusive(values, counts):
    """Cumulative sum inside consecutive groups, excluding the current element."""
    counts = np.asarray(counts, np.int64)
    cs = np.cumsum(values)
    cs -= values            # in place: same values, fewer full-size temporaries
    nz = counts > 0
    cs -= np.repeat(cs[starts_of(counts)[nz]], counts[nz])
    return cs


def first_per_group(keys_sorted):
    """Boolean mask of the first row of each run of equal keys (keys already sorted)."""
    m = np.ones(len(keys_sorted), bool)
    if len(keys_sorted) > 1:
        m[1:] = keys_sorted[1:] != keys_sorted[:-1]
    return m


SLICE = 1 << 20   # rows per slice of event-sized work (tests shrink it: same output)


def in_slices(n, f, step=None):
    """np.concatenate of the elementwise f(a, b) over slices [a, b) of range(n): the
    temporaries of f stay a few MiB whatever n (event-sized arrays at 100M events)."""
    step = step or SLICE
    if n <= step:
        return f(0, n)
    return np.concatenate([f(a, min(a + step, n)) for a in range(0, n, step)])


def below(u, p):
    """u < p(a, b), computed over slices [a, b) of the uniform draws u (p elementwise)."""
    return in_slices(len(u), lambda a, b: u[a:b] < p(a, b))


def return_freed_memory():
    """Fixed 1 MiB glibc mmap threshold: every larger array gets its own mapping, given
    back to the OS when freed. glibc's default threshold grows up to 32 MiB as arrays
    are freed, so slices and per-day arrays land in the heap, where fragmentation keeps
    freed memory resident (~20% of the peak RSS at 10M events). No-op off glibc."""
    try:
        ctypes.CDLL(None).mallopt(-3, 1 << 20)     # M_MMAP_THRESHOLD
    except (OSError, AttributeError, TypeError):
        pass
