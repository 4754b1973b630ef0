"""Rewrite the imports of a name that moved from one module to another (issue 11).

    python scripts/move_import.py OLD_MODULE NEW_MODULE NAME [--label OLD NEW] PATH...

Every `from OLD_MODULE import ..., NAME, ...` (one line or parenthesized, at any indentation)
loses NAME and gains `from NEW_MODULE import NAME` beneath it; `--label` also rewrites the
model label string (e.g. "campaigns.Organization" -> "accounts.Organization"). Migrations are
left alone: they name the model as it was when they were written. Run `ruff check --select I
--fix` and `ruff format` on the files it prints afterwards (they merge and sort the imports).
It can be run again after other branches merge: a file already rewritten does not change.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def rewrite(text: str, old: str, new: str, name: str) -> str:
    pattern = re.compile(
        rf"^(?P<indent>[ \t]*)from {re.escape(old)} import (?P<names>\([^)]*\)|[^\n]*)$",
        re.MULTILINE,
    )

    def replace(match: re.Match[str]) -> str:
        indent, names = match["indent"], match["names"]
        wrapped = names.startswith("(")
        parts = [
            p.strip()
            for p in re.sub(r"#[^\n]*", "", names.strip("()")).replace("\n", ",").split(",")
        ]
        parts = [p for p in parts if p]
        if name not in parts:
            return match.group(0)
        rest = [p for p in parts if p != name]
        moved = f"{indent}from {new} import {name}"
        if not rest:
            return moved
        kept = ", ".join(rest)
        line = (
            f"{indent}from {old} import ({kept})"
            if wrapped
            else f"{indent}from {old} import {kept}"
        )
        return f"{line}\n{moved}"

    return pattern.sub(replace, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("name")
    parser.add_argument("--label", nargs=2, metavar=("OLD", "NEW"))
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    files = [
        p for root in args.paths for p in ([root] if root.is_file() else sorted(root.rglob("*.py")))
    ]
    for path in files:
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        changed = rewrite(text, args.old, args.new, args.name)
        if args.label:
            for quote in "\"'":
                changed = changed.replace(
                    f"{quote}{args.label[0]}{quote}", f"{quote}{args.label[1]}{quote}"
                )
        if changed != text:
            path.write_text(changed, encoding="utf-8")
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
