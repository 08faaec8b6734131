"""The two locks: production installs no test tools, and neither lock names this machine."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
DEV_ONLY = ("pytest", "pytest-django", "pytest-asyncio", "playwright", "ruff", "pip-tools")


def pins(name: str) -> dict[str, str]:
    """Return {normalized package name: version} of a lock file in the project root."""
    found = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


@pytest.mark.parametrize("name", ["requirements.lock", "requirements-dev.lock"])
def test_lock_has_no_machine_local_lines(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    options = [line for line in text.splitlines() if line.startswith("-")]
    assert options == []
    assert "file://" not in text
    assert "/opt/" not in text


def test_runtime_lock_holds_no_development_tools():
    runtime = pins("requirements.lock")
    assert runtime, "the runtime lock pins nothing"
    assert [name for name in DEV_ONLY if name in runtime] == []


def test_dev_lock_holds_the_runtime_pins_and_the_tools():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
    assert [name for name in DEV_ONLY if name not in dev] == []


def test_every_declared_dependency_is_locked():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")

    def names(requirements):
        return {
            re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0]).lower()
            for r in requirements
        }

    assert names(project["dependencies"]) - runtime.keys() == set()
    assert names(project["optional-dependencies"]["dev"]) - dev.keys() == set()
    assert project["requires-python"] == ">=3.11"
