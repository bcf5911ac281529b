"""The client is a distribution of its own: declared dependencies cover every import, nothing from the server."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.client.conftest import CLIENT_DIR
from tests.server.conftest import REPO

PACKAGE = CLIENT_DIR / "revenue_semantic_client"
FRAME_LIBRARIES = {"pyarrow", "pandas", "polars"}  # optional extras, imported only when a frame is asked for


def project(path: Path) -> dict:
    return tomllib.loads(path.read_text())["project"]


def top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_declared_dependencies_cover_every_import() -> None:
    meta = project(CLIENT_DIR / "pyproject.toml")
    assert meta["name"] == "revenue-semantic-client"
    required = {d.split(">")[0].split("[")[0] for d in meta["dependencies"]}
    extras = {name: {d.split(">")[0] for d in deps} for name, deps in meta["optional-dependencies"].items()}
    assert required == {"httpx"} and extras == {"arrow": {"pyarrow"}, "pandas": {"pandas", "pyarrow"},
                                                "polars": {"polars", "pyarrow"}}
    imported = set().union(*(top_level_imports(p) for p in PACKAGE.glob("*.py")))
    third_party = imported - set(sys.stdlib_module_names)
    assert third_party <= required | FRAME_LIBRARIES, third_party
    assert not imported & {"semantic", "server", "clients"}  # installable without the server package


def test_frame_libraries_are_imported_lazily() -> None:
    """A plain install (httpx only) imports the package; frames say which extra to install."""
    for path in PACKAGE.glob("*.py"):
        module = ast.parse(path.read_text())
        eager = {a.name.split(".")[0] for node in module.body if isinstance(node, ast.Import) for a in node.names}
        eager |= {node.module.split(".")[0] for node in module.body
                  if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
        assert not eager & FRAME_LIBRARIES, (path.name, eager & FRAME_LIBRARIES)


def test_main_package_no_longer_ships_the_clients_folder() -> None:
    packaging = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert not any(pattern.startswith("clients") for pattern in packaging["include"])
    assert not (CLIENT_DIR / "__init__.py").exists()  # clients/ is a folder of distributions, not a package


def test_a_missing_frame_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from revenue_semantic_client import Answer, Column

    answer = Answer((Column("won_deals", "integer"),), [{"won_deals": 3}], "v", None, False)
    monkeypatch.setitem(sys.modules, "polars", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"pip install 'revenue-semantic-client\[polars\]'"):
        answer.to_polars()
    with pytest.raises(ValueError, match="column type 'interval' is unknown"):
        Answer((Column("x", "interval"),), [], "v", None, False).to_arrow()


@pytest.mark.slow
def test_wheel_builds_with_its_metadata(tmp_path: Path) -> None:
    source = shutil.copytree(CLIENT_DIR, tmp_path / "source", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(source)], check=True, timeout=120)  # a copy: setuptools builds in place
    wheel = next(tmp_path.glob("revenue_semantic_client-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert {n.split("/")[0] for n in names if not n.endswith(".dist-info/RECORD")} <= \
        {"revenue_semantic_client", "revenue_semantic_client-0.1.0.dist-info"}
    assert "Requires-Dist: httpx<0.29,>=0.27" in metadata
    assert "Requires-Dist: pandas<4,>=2.1; extra == \"pandas\"" in metadata
