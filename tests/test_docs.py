"""The README stays honest: every setting and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

from policyqa.settings import Settings
from policyqa.surfaces.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table_and_no_other():
    documented = set(re.findall(r"^\| `(POLICYQA_[A-Z_]+)` \|", README, re.MULTILINE))
    fields = {f"POLICYQA_{name.upper()}" for name in Settings.model_fields}
    assert documented == fields


def test_every_command_is_in_the_readme():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"`policyqa {name}" in README, name


def test_quick_start_is_the_two_make_commands():
    block = README.split("## Quick start", 1)[1].split("```", 2)[1]
    assert "make run" in block and "make test" in block
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci
