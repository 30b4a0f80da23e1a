"""The import path (contracts/public_marts.md section 3): Cookie Cats, a real A/B test, goes
through <SV_IMPORTS_PATH>/experiments/*.csv into both public marts and reproduces the published
figures; bad files stop the build with a clear error and lose nothing; no files builds fine."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import BIN, REPO, SANDBOX_DUCKDB, run_sandbox, sandbox_env

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


HEADER = "experiment_id,unit_id,variant,is_control,metric_name,numerator,denominator,covariate,traffic_share"
NUMERIC = ["numerator", "denominator", "covariate", "traffic_share"]
# spellings DuckDB and Spark read as NaN or +-infinity (1e999 overflows to inf)
NON_FINITE = {"numerator": ["NaN", "nan", "inf", "-inf", "Infinity", "-Infinity", "+inf", "1e999"],
              "denominator": ["NaN", "inf", "-inf"], "covariate": ["NaN", "inf", "-inf"],
              "traffic_share": ["NaN", "inf", "-inf"]}


def _experiment_csv(experiment_id, bad_column=None, bad_value=None):
    """Two valid rows (control a, treatment b) of one experiment; bad_value in bad_column of the second."""
    rows = [HEADER]
    for unit, variant, control in [("u1", "a", "true"), ("u2", "b", "false")]:
        values = {"numerator": "1", "denominator": "2", "covariate": "3", "traffic_share": "0.5"}
        if bad_column and variant == "b":
            values[bad_column] = bad_value
        rows.append(",".join([experiment_id, unit, variant, control, "m"] + [values[c] for c in NUMERIC]))
    return "\n".join(rows) + "\n"


def _slug(value):
    return value.replace("-", "minus_").replace("+", "plus_")


# every file refused in one run: file name -> (content, the problem its error line names)
BAD_VALUE_FILES = {
    "two_controls.csv": ("experiment_id,unit_id,variant,is_control,metric_name,numerator\n"
                         "e2,u1,a,true,m,1\ne2,u2,b,true,m,0\n", "has 2 control variants"),
    "bad_numerator.csv": ("experiment_id,unit_id,variant,is_control,metric_name,numerator\n"
                          "e3,u1,a,true,m,1\ne3,u2,b,false,m,abc\n", "non-numeric or empty numerator"),
    "header_only.csv": (HEADER + "\n", "no data rows"),
    "bad_role.csv": ("experiment_id,unit_id,variant,is_control,metric_name,numerator,metric_role\n"
                     "e4,u1,a,true,m,1,primery\ne4,u2,b,false,m,0,primery\n",
                     "a metric_role other than primary, guardrail or secondary"),
    "bad_direction.csv": ("experiment_id,unit_id,variant,is_control,metric_name,numerator,preferred_direction\n"
                          "e5,u1,a,true,m,1,up\ne5,u2,b,false,m,0,up\n",
                          "a preferred_direction other than increase or decrease"),
    "negative_margin.csv": ("experiment_id,unit_id,variant,is_control,metric_name,numerator,metric_role,"
                            "non_inferiority_margin\ne6,u1,a,true,m,1,guardrail,-0.05\ne6,u2,b,false,m,0,guardrail,-0.05\n",
                            "a negative non_inferiority_margin"),
    "two_roles.csv": ("experiment_id,unit_id,variant,is_control,metric_name,numerator,metric_role\n"
                      "e7,u1,a,true,m,1,primary\ne7,u2,b,false,m,0,guardrail\n",
                      "metric m of experiment e7 has more than one metric_role"),
    **{f"{column}_{_slug(value)}.csv": (_experiment_csv(f"nf_{column}_{_slug(value)}", column, value),
                                        f"a NaN or infinite {column}")
       for column, values in NON_FINITE.items() for value in values},
}


def _problems_by_file(output):
    """{file name: [problem, ...]} from the lines 'Experiment import file <path>: <problem>.'"""
    problems = {}
    for line in output.splitlines():
        match = re.search(r"Experiment import file (.+?): (.+)\.$", line.strip())
        if match:
            problems.setdefault(Path(match.group(1)).name, []).append(match.group(2))
    return problems


def _assert_previous_import_kept(sandbox):
    kept = _query(sandbox, "select count(*) as n from fct_experiment_results where experiment_id = 'cookie_cats'")
    assert kept["n"].iloc[0] > 0
    imported = _query(sandbox, "select count(*) as n, count(distinct source_file) as files "
                               "from int_experiment_imports_validated")
    assert (imported["n"].iloc[0], imported["files"].iloc[0]) == (3 * 90189, 1)


def test_missing_column_fails_clearly_and_loses_nothing(cookie_loaded):
    bad = cookie_loaded["root"] / "bad_missing_column"
    (bad / "experiments").mkdir(parents=True)
    shutil.copy(cookie_loaded["imports"] / "experiments" / "cookie_cats.csv", bad / "experiments")
    (bad / "experiments" / "missing_column.csv").write_text("experiment_id,unit_id,variant,metric_name,numerator\n"
                                                            "e1,u1,a,m,1\n")
    res = _run(cookie_loaded, {"SV_IMPORTS_PATH": str(bad)})
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert _problems_by_file(out)["missing_column.csv"][0].startswith("missing required column(s) is_control"), out
    assert "docs/experimentation.md" in out
    _assert_previous_import_kept(cookie_loaded)


def test_bad_values_are_refused_file_by_file_and_lose_nothing(cookie_loaded):
    """One run: each bad file is named in the error with its problem (NaN and infinities in every
    numeric column, header only, ...), and the previous import and the marts stay as they were."""
    bad = cookie_loaded["root"] / "it's [bad]* values"  # the folder is pasted into SQL and globbed too
    (bad / "experiments").mkdir(parents=True)
    for name, (content, _) in BAD_VALUE_FILES.items():
        (bad / "experiments" / name).write_text(content)
    res = _run(cookie_loaded, {"SV_IMPORTS_PATH": str(bad)})
    out = res.stdout + res.stderr
    assert res.returncode != 0
    problems = _problems_by_file(out)
    for name, (_, message) in BAD_VALUE_FILES.items():
        assert any(message in problem for problem in problems.get(name, [])), (name, problems.get(name), out[-3000:])
    assert "Nothing was loaded (rules: docs/experimentation.md" in out
    _assert_previous_import_kept(cookie_loaded)


# File names that broke or injected SQL, or that glob would read as patterns: each must be read
# as exactly that file (stXr.csv, qXm.csv, brac.csv are what the patterns would also match).
# Files are read in name order: the quoted name sorts after the injection, so that without
# escaping the injection runs before the quote breaks the build.
ODD_FILE_NAMES = [
    "x.csv') limit 0; drop table fct_core_indicators; select * from read_csv('x.csv",
    "z it's.csv",
    "st*r.csv", "stXr.csv",
    "q?m.csv", "qXm.csv",
    "br[a]c.csv", "brac.csv",
]


@pytest.fixture(scope="module")
def odd_names_loaded(new_sandbox, warehouse_path, sim_dir):
    """A sandbox whose imports folder holds the odd file names, one experiment each, after one
    run of the import model; and the row count of every other table before that run. (The
    folder's name is plain, so that unescaped file names would reach SQL.)"""
    root = new_sandbox("odd_names")
    db = root / SANDBOX_DUCKDB
    shutil.copy(warehouse_path, db)
    imports = root / "imports"
    (imports / "experiments").mkdir(parents=True)
    for i, name in enumerate(ODD_FILE_NAMES):
        (imports / "experiments" / name).write_text(_experiment_csv(f"odd_{i}"))
    sandbox = dict(root=root, db=db, imports=imports,
                   env=sandbox_env(root, sim_dir / "raw", SV_IMPORTS_PATH=str(imports)))
    before = _table_row_counts(sandbox)
    res = run_sandbox(root, ["run", "--select", "int_experiment_imports_validated"], sandbox["env"])
    return dict(sandbox, before=before, result=res)


def _table_row_counts(sandbox):
    con = duckdb.connect(str(sandbox["db"]), read_only=True)
    try:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and table_name <> 'int_experiment_imports_validated' order by table_name").fetchall()]
        return {table: con.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}
    finally:
        con.close()


def test_odd_file_names_are_read_as_exactly_that_file(odd_names_loaded):
    res = odd_names_loaded["result"]
    assert res.returncode == 0, res.stdout[-4000:]
    rows = _query(odd_names_loaded, "select source_file, experiment_id, count(*) as n "
                                    "from int_experiment_imports_validated group by all")
    folder = odd_names_loaded["imports"] / "experiments"
    assert sorted(zip(rows["source_file"], rows["experiment_id"], rows["n"])) == sorted(
        (str(folder / name), f"odd_{i}", 2) for i, name in enumerate(ODD_FILE_NAMES))


def test_injection_file_name_leaves_every_other_table_intact(odd_names_loaded):
    assert odd_names_loaded["before"]["fct_core_indicators"] > 0
    assert _table_row_counts(odd_names_loaded) == odd_names_loaded["before"]


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


def test_escaping_macros_read_back_any_value_on_both_engines(compile_inline):
    """The Spark variants cannot run here: their output is checked as text."""
    value = "a'b\\c\"d`e*f?g[h]i{j}"
    macros = ["sql_string_literal", "spark__sql_string_literal", "sql_quoted_identifier",
              "spark__sql_quoted_identifier", "duckdb_glob_escaped", "hadoop_glob_escaped"]
    rendered = compile_inline("{% set v = " + json.dumps(value) + " %}"
                              + "\n".join("{{ " + m + "(v) }}" for m in macros)).splitlines()
    assert dict(zip(macros, rendered)) == {
        "sql_string_literal": "'a''b\\c\"d`e*f?g[h]i{j}'",
        "spark__sql_string_literal": "'a\\'b\\\\c\"d`e*f?g[h]i{j}'",
        "sql_quoted_identifier": '"a\'b\\c""d`e*f?g[h]i{j}"',
        "spark__sql_quoted_identifier": "`a'b\\c\"d``e*f?g[h]i{j}`",
        "duckdb_glob_escaped": "a'b\\c\"d`e[*]f[?]g[[]h]i{j}",
        "hadoop_glob_escaped": "a'b\\\\c\"d`e\\*f\\?g\\[h\\]i\\{j\\}",
    }


def test_import_model_lints_with_an_import_file_present(new_sandbox, sim_dir):
    """sqlfluff renders the model's execute branch only when a file exists (it once failed LT05
    there). A sandbox with the session's parse state, so the dbt templater does not re-parse."""
    root = new_sandbox("lint")
    (root / ".sqlfluff").symlink_to(REPO / ".sqlfluff")
    (root / "imports" / "experiments").mkdir(parents=True)
    (root / "imports" / "experiments" / "one.csv").write_text(_experiment_csv("lint"))
    model = "models/intermediate/experimentation/int_experiment_imports_validated.sql"
    res = subprocess.run([str(BIN / "sqlfluff"), "lint", model, "--processes", "1", "--disable-progress-bar"],
                         cwd=root, env=sandbox_env(root, sim_dir / "raw", SV_IMPORTS_PATH=str(root / "imports")),
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
