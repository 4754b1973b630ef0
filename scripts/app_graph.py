"""The import graph between Pingyi's top-level packages (issue 11).

    python scripts/app_graph.py [--edges] [--why A B]

Every import of a module under `pingyi.X` from one under `pingyi.Y` (X != Y) is an edge Y -> X.
Each import is sorted by where it sits in the importing file:
  module    runs when the module is imported (the top level, class bodies, `if` blocks, `try`)
  function  inside a `def` (runs when the function is called)
  typing    under `if TYPE_CHECKING:` (never runs)
The strongly connected components of two or more packages are printed twice: counting the
module-level imports only, then module- and function-level ones (typing imports left out).
`--edges` lists every package edge with its import counts; `--why A B` lists the imports
behind the edge A -> B. Needs grimp (in the dev extra); run with PYTHONPATH=src.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp

ROOT = "pingyi"
KINDS = ("module", "function", "typing")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def line_kinds(path: Path) -> dict[int, str]:
    """The kind of every import statement's lines in one file ("module" when not listed)."""
    kinds: dict[int, str] = {}

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = kind
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                inner = "function" if kind == "module" else kind
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit_stmt(stmt, "typing")
                for stmt in child.orelse:
                    visit_stmt(stmt, kind)
                continue
            visit_stmt(child, inner)

    def visit_stmt(node: ast.AST, kind: str) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                kinds[line] = kind
        visit(node, kind)

    visit(ast.parse(path.read_text(encoding="utf-8")), "module")
    return kinds


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


Edge = tuple[str, str]
Import = tuple[str, int, str, str]  # importer, line, imported, kind


def collect() -> list[Import]:
    graph = grimp.build_graph(ROOT)
    base = Path(sys.modules[ROOT].__file__ or "").parent
    imports: list[Import] = []
    kinds_cache: dict[str, dict[int, str]] = {}
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if package_of(importer) == package_of(imported) or importer == ROOT:
                continue
            if importer not in kinds_cache:
                rel = Path(*importer.split(".")[1:])
                path = base / rel / "__init__.py" if (base / rel).is_dir() else base / f"{rel}.py"
                kinds_cache[importer] = line_kinds(path)
            details = graph.get_import_details(importer=importer, imported=imported)
            for d in details:
                line = int(d["line_number"])
                imports.append(
                    (importer, line, imported, kinds_cache[importer].get(line, "module"))
                )
    return imports


def edges(imports: Iterable[Import], kinds: set[str]) -> dict[Edge, Counter[str]]:
    found: dict[Edge, Counter[str]] = defaultdict(Counter)
    for importer, _, imported, kind in imports:
        if kind in kinds:
            found[(package_of(importer), package_of(imported))][kind] += 1
    return found


def components(graph: Mapping[Edge, object]) -> list[list[str]]:
    """Tarjan's strongly connected components of two or more nodes, largest first."""
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(graph):
        succ[a].append(b)
        succ.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in succ[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(succ):
        if v not in index:
            strong(v)
    return sorted(found, key=lambda c: (-len(c), c))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edges", action="store_true", help="list every package edge")
    parser.add_argument(
        "--why", nargs=2, metavar=("FROM", "TO"), help="the imports behind one edge"
    )
    args = parser.parse_args()
    __import__(ROOT)
    imports = collect()
    if args.why:
        src, dst = args.why
        for importer, line, imported, kind in imports:
            if package_of(importer) == src and package_of(imported) == dst:
                print(f"{importer}:{line} -> {imported}  ({kind})")
        return 0
    status = 0
    for title, kinds in (
        ("module-level imports", {"module"}),
        ("module- and function-level imports", {"module", "function"}),
    ):
        graph = edges(imports, kinds)
        comps = components(graph)
        print(f"{title}: {len(graph)} package edges, {len(comps)} cycle(s)")
        for comp in comps:
            print(f"  {len(comp)}: {' '.join(comp)}")
        status = status or (1 if comps else 0)
    if args.edges:
        print("edges (module/function/typing imports):")
        for (a, b), counts in sorted(edges(imports, set(KINDS)).items()):
            print(f"  {a} -> {b}  {'/'.join(str(counts[k]) for k in KINDS)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
