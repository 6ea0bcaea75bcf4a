"""A built wheel is a working product: installed in a fresh venv, `mapper demo` and a query run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a wheel is built from; copied so that the build leaves nothing in the checkout.
SOURCES = ["pyproject.toml", "README.md", "mapper", "dashboard", "queries", "seed_data"]


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*.db")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    # No build isolation: the build backend comes from this environment, not the network.
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", work / "dist", source, cwd=work)
    (built,) = (work / "dist").glob("collective_mapper-*.whl")
    return built


def test_the_wheel_carries_every_demo_file_and_every_query(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("seed_data", "queries"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(ROOT).as_posix()
                assert name in names, f"{name} is not in the wheel"


def test_an_installed_wheel_loads_the_demo_and_answers_a_query(wheel, tmp_path):
    venv = tmp_path / "venv"
    # Dependencies come from this environment; the package itself only from the wheel.
    _run(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel,
         cwd=tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "MAPPER_DB", "NEO4J_URI", "VIRTUAL_ENV"}}
    where = _run(python, "-c", "import mapper, seed_data; print(mapper.__file__); print(seed_data.__file__)",
                 cwd=outside, env=env).split()
    assert all(Path(w).is_relative_to(venv) for w in where), f"not the installed copy: {where}"

    db = outside / "demo.db"
    loaded = _run(venv / "bin" / "mapper", "demo", "--no-server", "--db", db, cwd=outside, env=env)
    assert "Demo campaign st-lukes-nurses loaded" in loaded, loaded
    conversations = int(re.search(r"(\d+) conversations", loaded).group(1))
    overview = json.loads(_run(venv / "bin" / "mapper", "overview", "--json", "--db", db,
                               cwd=outside, env=env))
    assert overview["counts"]["conversations"] == conversations > 0
