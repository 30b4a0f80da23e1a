"""The creator rewards launch effect over the weeks since a country launched.

Three shapes, chosen by the run flag `rollout_effect`:
- dynamic (the default): the effect ramps up linearly over the first four weeks
  since launch and then stays at a peak that differs by launch cohort (the
  earliest cohort gains most), tau(g, k) = peak_g * min(1, (k + 1) / 4);
- constant: +ROLLOUT_DELTA on every launched creator-day (the original case);
- zero: no effect at all (the null the bootstrap's size is checked on).

The effect is additive on the creator-day posting rate and constant within a
week since launch (week k = days 7k .. 7k + 6 after the launch day), so the
true ATT of cohort g in week k is exactly tau(g, k).
"""
import numpy as np
import pandas as pd

from .common import DAY

EFFECT_MODES = ("dynamic", "constant", "zero")
CONSTANT_DELTA = 0.12                    # extra videos per creator-day (constant mode)
COHORT_PEAKS = (0.20, 0.14, 0.08)        # peak per launch cohort, earliest first; later: last
RAMP_WEEKS = 4


def weekly_effect(mode, cohort_rank, week):
    """Extra videos per creator-day of launch cohort `cohort_rank` (0 = earliest)
    in week `week` (>= 0) since its launch."""
    if mode == "zero":
        return 0.0
    if mode == "constant":
        return CONSTANT_DELTA
    peak = COHORT_PEAKS[min(cohort_rank, len(COHORT_PEAKS) - 1)]
    return peak * min(1.0, (week + 1) / RAMP_WEEKS)


def check_mode(mode):
    if mode not in EFFECT_MODES:
        raise ValueError(f"rollout_effect must be one of {', '.join(EFFECT_MODES)}, not {mode!r}")


def cohort_ranks(launch_days):
    """Launch day -> rank of its cohort (0 = earliest launch day)."""
    return {d: i for i, d in enumerate(sorted(set(launch_days)))}


def effect_matrix(mode, launch_day, days):
    """creators x days additive rate: tau(cohort, week since launch) on launched days.

    launch_day: per creator, the country's launch day (large = never); days: day
    numbers relative to the window start (may be negative)."""
    check_mode(mode)
    ranks = cohort_ranks(np.unique(launch_day).tolist())
    rank = np.array([ranks[d] for d in launch_day.tolist()], np.int64)
    since = days[None, :] - launch_day[:, None]
    week = np.clip(since // 7, 0, None)
    n_weeks = int(week.max()) + 1 if week.size else 1
    table = np.array([[weekly_effect(mode, r_, k) for k in range(n_weeks)] for r_ in range(len(ranks))])
    return np.where(since >= 0, table[rank[:, None], week], 0.0)


def event_truth(W, mode):
    """truth/rollout_event_effects: the true ATT per launch cohort (inside the
    window) x week since launch that has at least one day in the window."""
    launch = W.rollout_launch
    inside = sorted({d for d in launch.values() if 0 < d < W.D})
    ranks = cohort_ranks([d for d in launch.values()])
    rows = []
    for d in inside:
        countries = ",".join(sorted(c for c, x in launch.items() if x == d))
        for k in range((W.D - 1 - d) // 7 + 1):
            rows.append(dict(program="creator_rewards",
                             launched_on=pd.Timestamp(W.start_us + d * DAY, unit="us").date(),
                             countries=countries, weeks_since_launch=k,
                             metric_name="videos_published_per_creator_day",
                             true_att=weekly_effect(mode, ranks[d], k), effect_mode=mode))
    return pd.DataFrame(rows, columns=["program", "launched_on", "countries", "weeks_since_launch",
                                       "metric_name", "true_att", "effect_mode"])


def stacked_did_target(W, C, mode, extra=None):
    """What the pooled stacked DiD (int_rollout_did_panel) estimates under the run's
    effect: per cohort stack the mean effect over its post-launch days, stacks
    weighted by sum(d~^2) = N p (1 - p) * n q (1 - q) (N creators, p treated share,
    n days, q post-launch share), the Frisch-Waugh-Lovell weights of one
    treatment dummy in a balanced stack. Equals the delta in constant mode.
    extra: creators x window days, any further effect of the launch on a creator
    (the enrolment lift), averaged over the stack's treated creators and days."""
    launch = W.rollout_launch
    inside = sorted({d for d in launch.values() if 0 < d < W.D})
    ranks = cohort_ranks(list(launch.values()))
    eligible = C.reg < W.start_us
    num = den = 0.0
    for i, d in enumerate(inside):
        end = inside[i + 1] - 1 if i + 1 < len(inside) else W.D - 1
        n = end + 1
        ld = C.launch_day[eligible]
        treated = (ld == d).sum()
        members = treated + ((ld > end)).sum()
        p, q = treated / members, (n - d) / n
        weight = members * p * (1 - p) * n * q * (1 - q)
        mean_effect = np.mean([weekly_effect(mode, ranks[d], (t - d) // 7) for t in range(d, n)])
        if extra is not None and treated:
            mean_effect += float(extra[eligible & (C.launch_day == d)][:, d:n].mean())
        num += weight * mean_effect
        den += weight
    return num / den if den else 0.0


def replicate_posting_counts(cfg, replicates, seed=2026):
    """Posting counts of the rollout panel's creators (registered before the
    window) on every window day, drawn `replicates` times from the run's own
    model rate = base_i * weekday_t + tau_it with the run's rollout_effect, the
    world (creators, countries, launches) fixed by cfg.seed and only the
    Poisson draws changing: replays of the rollout for checking an
    estimator's size (rollout_effect='zero') without a simulation per replay.
    Long frame: replicate_id, creator_id, country, launch_day (None: never),
    day (0-based window day), videos_published."""
    from . import app
    from .common import COUNTRIES, WEEKDAY_MULT, weekday_of_epoch_day
    from .world import World
    W = World(cfg)
    W.anomalies = []
    U = app.gen_users(W)
    C = app.gen_creators(W, U)
    keep = np.flatnonzero(C.reg < W.start_us)
    days = np.arange(W.D)
    season = WEEKDAY_MULT[weekday_of_epoch_day((W.start_us + days * DAY) // DAY)]
    rate = C.base[keep, None] * season[None, :] + effect_matrix(cfg.rollout_effect, C.launch_day[keep], days)
    counts = np.random.default_rng(seed).poisson(np.broadcast_to(rate, (replicates,) + rate.shape))
    r_, c_, d_ = np.indices(counts.shape).reshape(3, -1)
    launch = C.launch_day[keep]
    return pd.DataFrame({
        "replicate_id": r_,
        "creator_id": [f"u_{u:06d}" for u in C.user[keep][c_]],
        "country": np.array(COUNTRIES)[C.country[keep]][c_],
        "launch_day": np.where(launch[c_] < 10 ** 5, launch[c_], np.nan),
        "day": d_,
        "videos_published": counts.reshape(-1),
    })
