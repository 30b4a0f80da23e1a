"""The import path (contracts/public_marts.md section 3): Cookie Cats, a real A/B test, goes
through <SV_IMPORTS_PATH>/experiments/*.csv into both public marts and reproduces the published
figures; bad files stop the build with a clear error and lose nothing; no files builds fine."""
from __future__ import annotations

import json
import shutil
import sys

import duckdb
import pytest

from conftest import REPO, SANDBOX_DUCKDB, run_sandbox, sandbox_env

sys.path.insert(0, str(REPO / "python_checks" / "fixtures" / "cookie_cats"))
from convert import cookie_cats_to_import  # noqa: E402

REFERENCE = json.loads((REPO / "python_checks" / "fixtures" / "cookie_cats" / "cookie_cats.reference.json").read_text())
SELECT = ["--select", "int_experiment_imports_validated+", "--exclude", "resource_type:test"]


@pytest.fixture(scope="module")
def sandbox(new_sandbox, warehouse_path, sim_dir):
    """A dbt sandbox with a copy of the warehouse (so the shared build is untouched) and an imports folder."""
    root = new_sandbox("imports")
    db = root / SANDBOX_DUCKDB
    shutil.copy(warehouse_path, db)
    imports = root / "imports"
    (imports / "experiments").mkdir(parents=True)
    env = sandbox_env(root, sim_dir / "raw", SV_IMPORTS_PATH=str(imports))
    return dict(root=root, db=db, imports=imports, env=env)


def _run(sandbox, extra_env=None):
    return run_sandbox(sandbox["root"], ["run", *SELECT], dict(sandbox["env"], **(extra_env or {})))


def _query(sandbox, sql):
    con = duckdb.connect(str(sandbox["db"]), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def cookie_loaded(sandbox):
    cookie_cats_to_import().to_csv(sandbox["imports"] / "experiments" / "cookie_cats.csv", index=False)
    res = _run(sandbox)
    assert res.returncode == 0, res.stdout[-4000:]
    return sandbox


def test_cookie_cats_reproduces_published_figures(cookie_loaded):
    health = _query(cookie_loaded, "select * from fct_experiment_health where experiment_id = 'cookie_cats'")
    health = health.set_index("variant")
    assert health.loc["gate_30", "exposed_units"] == 44700 == REFERENCE["srm"]["observed"]["gate_30"]
    assert health.loc["gate_40", "exposed_units"] == 45489 == REFERENCE["srm"]["observed"]["gate_40"]
    assert health["srm_p_value"].iloc[0] == pytest.approx(REFERENCE["srm"]["p_value"], abs=1e-12)
    assert round(health["srm_p_value"].iloc[0], 3) == 0.009
    assert not health["has_srm"].any()
    res = _query(cookie_loaded, "select * from fct_experiment_results where experiment_id = 'cookie_cats' "
                                "and segment_name = 'all' and variance_reduction = 'none'").set_index("metric_name")
    assert set(res["control_variant"]) == {"gate_30"} and set(res["treatment_variant"]) == {"gate_40"}
    r1, r7 = res.loc["retention_1"], res.loc["retention_7"]
    assert (r1.control_units, r1.treatment_units) == (44700, 45489)
    assert round(100 * r1.control_mean, 2) == 44.82 and round(100 * r1.treatment_mean, 2) == 44.23
    assert round(100 * r7.control_mean, 2) == 19.02 and round(100 * r7.treatment_mean, 2) == 18.20
    assert round(r7.p_value, 4) == 0.0016
    ref7 = REFERENCE["retention_7"]
    assert r7.absolute_effect == pytest.approx(ref7["abs_delta"], rel=1e-12)
    # the reference Wald interval uses p(1-p)/n; the engine uses the sample variance (n - 1),
    # a relative difference of about 1/n = 2e-5 in the interval
    assert [r7.absolute_ci_lower, r7.absolute_ci_upper] == pytest.approx(ref7["abs_delta_ci95_unpooled_wald"], rel=1e-4)
    assert [r7.relative_ci_lower, r7.relative_ci_upper] == pytest.approx(ref7["rel_lift_ci95_delta_method"], rel=1e-4)
    g = res.loc["sum_gamerounds"]
    assert [g.absolute_ci_lower, g.absolute_ci_upper] == pytest.approx(
        REFERENCE["sum_gamerounds"]["welch"]["abs_delta_ci95_z"], rel=1e-9)
    assert r7.p_value == pytest.approx(ref7["p_value_pooled_z_two_sided"], rel=2e-3)


BAD_FILES = {
    "missing_column.csv": ("experiment_id,unit_id,variant,metric_name,numerator\n"
                           "e1,u1,a,m,1\n", "missing required column(s) is_control"),
    "two_controls.csv": ("experiment_id,unit_id,variant,is_control,metric_name,numerator\n"
                         "e2,u1,a,true,m,1\ne2,u2,b,true,m,0\n", "has 2 control variants"),
    "bad_numerator.csv": ("experiment_id,unit_id,variant,is_control,metric_name,numerator\n"
                          "e3,u1,a,true,m,1\ne3,u2,b,false,m,abc\n", "non-numeric or empty numerator"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_import_file_fails_clearly_and_loses_nothing(cookie_loaded, name):
    content, message = BAD_FILES[name]
    bad = cookie_loaded["root"] / f"bad_{name}"
    (bad / "experiments").mkdir(parents=True)
    shutil.copy(cookie_loaded["imports"] / "experiments" / "cookie_cats.csv", bad / "experiments")
    (bad / "experiments" / name).write_text(content)
    res = _run(cookie_loaded, {"SV_IMPORTS_PATH": str(bad)})
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert name in out and message in out, out[-3000:]
    kept = _query(cookie_loaded, "select count(*) as n from fct_experiment_results where experiment_id = 'cookie_cats'")
    assert kept["n"].iloc[0] > 0
    assert _query(cookie_loaded, "select count(*) as n from int_experiment_imports_validated")["n"].iloc[0] == 3 * 90189


def test_no_import_files_builds(new_sandbox, sim_dir, sandbox):
    root = new_sandbox("no_imports")
    db = root / SANDBOX_DUCKDB
    shutil.copy(sandbox["db"], db)
    env = sandbox_env(root, sim_dir / "raw", SV_IMPORTS_PATH=str(root / "does_not_exist"))
    res = run_sandbox(root, ["run", *SELECT], env)
    assert res.returncode == 0, res.stdout[-3000:]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from int_experiment_imports_validated").fetchall()[0][0] == 0
    assert con.execute("select count(*) from fct_experiment_results where data_source = 'import'").fetchall()[0][0] == 0
    assert con.execute("select count(*) from fct_experiment_results").fetchall()[0][0] > 0
    con.close()
