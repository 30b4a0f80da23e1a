"""Creator rewards enrollment: who enrols (self-selection on growth and level),
when, and what enrolling does to the enrolled creator's posting.

Untreated posting of creator i on day t (window day index, 0 = first day):
    base_i * season_t * growth_it,   growth_it = exp(g_i * t/28 - (sigma * t/28)^2 / 2)
g_i ~ N(0, sigma) is the creator's own trend (log change per four weeks); the
correction keeps the mean multiplier at 1 on every day, so the platform's total
posting does not drift. Once its country launched the program, a creator enrols
with probability sigmoid(a + b * z(g_i) + c * z(log base_i)): the creators who
enrol are the ones already growing (selection on trend) and already posting
more (selection on level). The enrolment date is launch (or registration) plus
an exponential delay drawn independently of g_i and base_i, so among the
creators who enrol, early and late enrollers share one trend distribution:
the not-yet-enrolled are valid controls, the never-enrolled are not.

Enrolling adds lift_d = effect * min(1, (d + 1) / RAMP_DAYS) videos per day on
the d-th day after the enrolment day (d = 0 the day after), until the creator
leaves the program. The truth (truth/enrollment_effects.csv) is that lift
averaged over the enrolled creator-days of each week since enrolment, for the
creators the enrollment DiD analyses (registered before the window, enrolled
inside its full weeks); weeks are the window's 7-day blocks from its first day.

Enrolling is one of the things a country launch lets creators do, so the lift is
part of the launch's intention-to-treat effect: truth/enrollment_lift_in_rollout.csv
gives its mean per launch cohort x week since launch over the creator-days of the
cohort's creators registered before the window (the rollout DiD's units), to add
to the launch's own effect. `--enrollment-effect 0` removes it.
"""
import numpy as np
import pandas as pd

from .common import DAY, HOUR, TS_NULL

GROWTH_SD = 0.30          # sd of g_i, log posting change per 4 weeks
SELECT_INTERCEPT = -0.8   # ~35 % of eligible creators enrol
SELECT_ON_TREND = 1.4
SELECT_ON_LEVEL = 0.6
DELAY_MEAN_DAYS = 8.0     # enrolment after the launch: spreads enrolment over weeks
LEAVE_SHARE = 0.06
RAMP_DAYS = 14


def _growth(W, g, days):
    s = days[None, :] / 28.0
    return np.exp(g[:, None] * s - 0.5 * (GROWTH_SD * s) ** 2)


def plan_enrollment(W, C):
    """Draw each creator's trend, enrolment and leaving; stored on C (C.enrollment
    is what gen_rewards writes to rewards_enrollments)."""
    r = W.rng("enrollment_selection")
    C.growth = r.normal(0.0, GROWTH_SD, C.n)
    z_trend = C.growth / GROWTH_SD
    log_base = np.log(C.base)
    z_level = (log_base - log_base.mean()) / max(log_base.std(), 1e-12)
    p = 1.0 / (1.0 + np.exp(-(SELECT_INTERCEPT + SELECT_ON_TREND * z_trend + SELECT_ON_LEVEL * z_level)))
    chooses = r.random(C.n) < p
    delay = (r.exponential(DELAY_MEAN_DAYS, C.n) * DAY).astype(np.int64)
    leave_draw = r.random(C.n)
    leave_frac = r.random(C.n)
    launch_us = W.start_us + C.launch_day.clip(max=10 ** 5) * DAY
    enr = np.maximum(launch_us, C.reg) + HOUR + delay
    enrolled = (C.launch_day < W.D) & chooses & (enr < W.end_us)
    ci = np.flatnonzero(enrolled)
    et = enr[ci]
    lt = et + ((W.end_us - et) * leave_frac[ci]).astype(np.int64)
    lt = np.where(leave_draw[ci] < LEAVE_SHARE, lt, TS_NULL)
    o = np.argsort(et, kind="stable")
    C.enrollment = (ci[o], et[o], lt[o])
    C.enrolled_day = np.full(C.n, 10 ** 6, np.int64)
    C.enrolled_day[ci] = W.day_of(et)
    C.left_day = np.full(C.n, 10 ** 6, np.int64)
    C.left_day[ci] = np.where(lt == TS_NULL, 10 ** 6, W.day_of(np.where(lt == TS_NULL, 0, lt)))


def enrollment_lift(W, C, days):
    """Extra videos per day from enrolling, creators x days (0 before the day after enrolment)."""
    since = days[None, :] - C.enrolled_day[:, None] - 1
    on = (since >= 0) & (days[None, :] <= C.left_day[:, None])
    return W.cfg.enrollment_effect * np.minimum(1.0, (since + 1.0) / RAMP_DAYS) * on


def extra_rate(W, C, days, season):
    """Added to gen_videos' rate (before the registered-before-the-day mask):
    the creator's own trend on its base rate, and the enrolment lift. Plans the
    enrolment and writes the enrolment truth."""
    plan_enrollment(W, C)
    lift = enrollment_lift(W, C, days)
    W.enrollment_lift_window = lift[:, days >= 0]   # read by the rollout truths (run.py)
    W.truth["enrollment_effects"] = enrollment_truth(W, C, days, lift)
    W.truth["enrollment_lift_in_rollout"] = rollout_lift(W, C, days, lift)
    return C.base[:, None] * season[None, :] * (_growth(W, C.growth, days) - 1.0) + lift


def enrollment_truth(W, C, days, lift):
    full_weeks = W.D // 7
    in_window = (days >= 0) & (days < 7 * full_weeks)
    analysed = (C.reg < W.start_us) & (C.enrolled_day < 7 * full_weeks)
    ci = np.flatnonzero(analysed)
    week = days[in_window] // 7
    rows = []
    if len(ci):
        e = week[None, :] - (C.enrolled_day[ci] // 7)[:, None]
        v = lift[ci][:, in_window]
        for k in np.unique(e):
            m = e == k
            rows.append(dict(program="creator_rewards", weeks_since_enrollment=int(k),
                             metric_name="videos_published_per_creator_day",
                             true_att=float(v[m].mean()), enrolled_creators=int(m.any(axis=1).sum()),
                             creator_days=int(m.sum())))
    return pd.DataFrame(rows, columns=["program", "weeks_since_enrollment", "metric_name", "true_att",
                                       "enrolled_creators", "creator_days"])


def rollout_lift(W, C, days, lift):
    """Mean enrolment lift per launch cohort x week since launch (floor((day - launch) / 7))
    over the cohort's creators registered before the window, window days only."""
    rows = []
    in_window = (days >= 0) & (days < W.D)
    dw = days[in_window]
    pre = C.reg < W.start_us
    for launch_day in sorted(set(int(x) for x in C.launch_day[C.launch_day < W.D])):
        ci = np.flatnonzero(pre & (C.launch_day == launch_day))
        if len(ci) == 0:
            continue
        v = lift[ci][:, in_window]
        since = dw - launch_day
        for k in np.unique(since[since >= 0] // 7):
            m = (since >= 0) & (since // 7 == k)
            rows.append(dict(program="creator_rewards",
                             launched_on=pd.Timestamp(W.start_us + launch_day * DAY, unit="us").date(),
                             weeks_since_launch=int(k), metric_name="videos_published_per_creator_day",
                             enrollment_lift=float(v[:, m].mean()), creator_days=int(len(ci) * m.sum())))
    return pd.DataFrame(rows, columns=["program", "launched_on", "weeks_since_launch", "metric_name",
                                       "enrollment_lift", "creator_days"])


def replicate_enrollment_panels(cfg, replicates, seed=2026):
    """Replays of the enrollment for checking the enrollment DiD's intervals:
    the world (creators, base rates, countries, launches) fixed by cfg.seed,
    and per replicate fresh trends, enrolment choices and delays, and Poisson
    posting from the run's model rate (base * season + launch effect + own
    trend + enrolment lift). Yields, per replicate, the creator x full-week
    panel of the creators registered before the window, as the DiD reads it:
    (y: videos per day by week, DataFrame creators x week index; group: the
    enrolment week, NaN if never; country: Series by creator; truth: the
    replicate's truth/enrollment_effects rows)."""
    from . import app
    from .common import COUNTRIES, WEEKDAY_MULT, weekday_of_epoch_day
    from .rollout_dynamics import effect_matrix
    from .world import World
    W = World(cfg)
    W.anomalies = []
    U = app.gen_users(W)
    C = app.gen_creators(W, U)
    pre_days = 30                                   # gen_videos' lead-in: the trend's origin
    days = np.arange(-pre_days, W.D)
    day_us = W.start_us + days * DAY
    season = WEEKDAY_MULT[weekday_of_epoch_day(day_us // DAY)]
    fixed_rate = C.base[:, None] * season[None, :] + effect_matrix(cfg.rollout_effect, C.launch_day, days)
    keep = np.flatnonzero(C.reg < W.start_us)
    weeks = W.D // 7
    ids = [f"u_{u:06d}" for u in C.user[keep]]
    country = pd.Series(np.array(COUNTRIES)[C.country[keep]], index=ids)
    world_rng = W.rng
    for replicate in range(replicates):
        W.rng = lambda name, replicate=replicate: (
            np.random.default_rng([seed, replicate, 1]) if name == "enrollment_selection" else world_rng(name))
        W.truth = {}
        rate = fixed_rate[keep] + extra_rate(W, C, days, season)[keep]
        window = rate[:, pre_days:pre_days + 7 * weeks]
        counts = np.random.default_rng([seed, replicate, 2]).poisson(window)
        y = pd.DataFrame(counts.reshape(len(keep), weeks, 7).sum(axis=2) / 7.0, index=ids)
        enrolled = C.enrolled_day[keep]
        group = pd.Series(np.where(enrolled < W.D, enrolled // 7, np.nan), index=ids)
        yield y, group, country, W.truth["enrollment_effects"]
