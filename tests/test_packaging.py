"""Installable and self-contained: the wheel holds the code, the queries, the ontology, the data, the templates and
the static assets (the resource folders inside the package ``partnergraph``, nothing else at the top of
site-packages), and once installed one console command serves the app on the shipped data (offline)."""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
#: What a build needs from the checkout (copied, so that building leaves no build/ or egg-info in the checkout).
SOURCES = [
    "graph",
    "web",
    "server.py",
    "templates",
    "static",
    "ontology",
    "data",
    "pyproject.toml",
    "README.md",
    "LICENSE",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the checkout, offline (no build isolation: the venv's setuptools)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = dist.glob("partnergraph-*.whl")
    return found


def test_the_wheel_holds_code_queries_ontology_data_templates_and_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "server.py",
        "graph/cli.py",
        "graph/store_remote.py",
        "web/__init__.py",
        "graph/queries/partners.rq",
        "graph/queries/network/neighbours.rq",
        "graph/queries/store/quads.rq",
        "graph/queries/knowledge/shipped-version.rq",
        "graph/queries/changes/get.rq",
        "graph/resources.py",
        "partnergraph/ontology/shapes.ttl",
        "partnergraph/data/seeds/gyeonggi-medical-tourism-mou-2014.trig",
        "partnergraph/data/datasets/twin-cities/twin_cities_raw.csv",
        "partnergraph/data/datasets/twin-cities.json",
        "partnergraph/templates/base.html",
        "partnergraph/static/css/app.css",
        "partnergraph/static/explorer/explorer.js",
    ):
        assert expected in names, expected
    # Every module and query of the code is in the wheel, and every template and source document (in the package).
    for folder, pattern in (("graph", "**/*.py"), ("web", "**/*.py"), ("graph/queries", "**/*.rq")):
        for path in (ROOT / folder).glob(pattern):
            assert path.relative_to(ROOT).as_posix() in names, path
    for folder, pattern in (("templates", "**/*.html"), ("data/sources", "*")):
        for path in (ROOT / folder).glob(pattern):
            assert "partnergraph/" + path.relative_to(ROOT).as_posix() in names, path
    assert any(n.startswith("partnergraph/static/vendor/") for n in names)
    # At the top of the wheel (of site-packages, once installed): the code, the resources' package, the metadata.
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"graph", "web", "server.py", "partnergraph"}
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "partnergraph = graph.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed offline; the dependencies come from the test run's own environment."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    (purelib,) = venv.glob("lib/python*/site-packages")
    # The dependencies, as --system-site-packages would give them: this interpreter's site-packages (not the checkout).
    (purelib / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-index", "--no-deps",
         "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    return venv


def test_the_installed_package_runs_from_anywhere(installed, tmp_path):
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import graph, server, web; print(graph.__file__, server.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert where.returncode == 0, where.stderr
    assert str(installed) in where.stdout and str(ROOT) not in where.stdout  # the installed copy, not the checkout
    (purelib,) = installed.glob("lib/python*/site-packages")
    ours = {"graph", "web", "server.py", "partnergraph", "ontology", "data", "templates", "static"}
    assert {p.name for p in purelib.iterdir()} & ours == {"graph", "web", "server.py", "partnergraph"}
    stats = subprocess.run(
        [str(installed / "bin" / "partnergraph"), "stats", "--store", "memory:"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert stats.returncode == 0, stats.stderr
    assert "gyeonggi-medical-tourism-mou-2014" in stats.stdout  # the shipped data, found inside the install


def test_one_console_command_serves_the_app_on_the_shipped_data(installed, tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [str(installed / "bin" / "partnergraph"), "serve", "--port", str(port), "--store", "memory:"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base}/healthz", process, "the installed app", seconds=180)
        assert requests.get(f"{base}/static/css/app.css", timeout=30).status_code == 200
        page = requests.get(f"{base}/id/region/kr/gyeonggi-province", timeout=60)
        assert page.status_code == 200 and "Gyeonggi Province" in page.text
    finally:
        process.terminate()
        process.wait(30)
