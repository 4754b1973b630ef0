"""`make bundle`: one archive that installs and runs Pingyi on a Debian 12 machine with no
network (issue 13).

    python scripts/bundle.py [--out DIR]   ->  DIR/pingyi-bundle-VERSION-cpXY-PLATFORM.tar.gz

The archive holds, under one folder of that name:
  install.sh      creates .venv, installs the wheels offline, writes PINGYI_HOME, migrates
  python/         the CPython that built the bundle (Debian 12 ships 3.11, Django 6 wants 3.12),
                  made relocatable: its executable finds libpython beside itself
  wheels/         a wheel for this platform of every run-time package of requirements.lock
                  (the dev extra left out) and Pingyi's own (messages compiled);
                  requirements.txt pins each with its hash (pip --require-hashes)
  fonts/          the Chinese TrueType font the PDFs embed (the one this machine uses)
  deploy/         nginx, systemd units, logrotate, gunicorn.conf.py, backup timer
The wheels come from PyPI (or pip's cache; build/bundle-wheels keeps them between builds).
Run with the project's virtualenv Python; needs msgfmt (gettext) and patchelf.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements.lock"
CACHE = REPO / "build" / "bundle-wheels"
# What of the interpreter a server never uses: the test suite, headers, Tk, IDLE, man pages.
RUNTIME_SKIP = {
    "test", "idlelib", "tkinter", "turtledemo", "site-packages", "include", "man", "pkgconfig",
}  # fmt: skip
# glibc's libraries: the machine's own, always (they must match its ld.so)
GLIBC = (
    "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "libresolv.so",
    "libutil.so", "libcrypt.so", "ld-linux",
)  # fmt: skip
RUNTIME_SKIP_PREFIX = ("config-", "libpython3.so", "_test", "xxlimited", "_xxtest", "_tkinter")


def say(message: str) -> None:
    print(f"bundle: {message}", flush=True)


def run(*argv: str | Path, **kwargs: object) -> None:
    subprocess.run([str(a) for a in argv], check=True, **kwargs)  # type: ignore[call-overload]  # noqa: S603


# ------------------------------------------------------------------- the run-time lock


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(lock: str, direct: list[str]) -> list[str]:
    """The blocks of ``lock`` (uv's ``pip compile`` output with hashes and ``# via`` notes)
    that Pingyi needs at run time: ``direct`` (pyproject's dependencies, the dev extra's left
    out) and what they pull in: a package is kept when one that pulls it in (the notes name
    them) is kept."""
    blocks: dict[str, tuple[str, set[str]]] = {}
    current: str | None = None
    for line in lock.splitlines():
        pinned = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==", line)
        if pinned:
            current = _normalize(pinned.group(1))
            blocks[current] = (line + "\n", set())
            continue
        if current is None or not line.startswith("    "):
            continue
        text, parents = blocks[current]
        note = re.match(r"^\s+#\s+(?:via\s+)?(\S.*)$", line)
        if line.strip().startswith("--hash") or line.rstrip().endswith("\\"):
            blocks[current] = (text + line + "\n", parents)
        elif note and note.group(1) != "via":
            parent = note.group(1).split(" (")[0].split("[")[0].strip()
            parents.add(_normalize(parent))
    kept = {_normalize(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]) for spec in direct}
    grew = True
    while grew:
        grew = False
        for name, (_, parents) in blocks.items():
            if name not in kept and parents & kept:
                kept.add(name)
                grew = True
    missing = kept - blocks.keys()
    if missing:
        sys.exit(f"bundle: requirements.lock lacks {', '.join(sorted(missing))}")
    return [blocks[name][0] for name in sorted(kept)]


# -------------------------------------------------------------------------- the parts


def compile_messages(python: str) -> None:
    cli = "import sys; from pingyi.cli import main; sys.exit(main(sys.argv[1:]))"
    with tempfile.TemporaryDirectory() as home:  # no var/ left in src/pingyi
        run(
            python, "-c", cli, "manage", "compilemessages", "-v", "0",
            cwd=REPO / "src" / "pingyi", env={**os.environ, "PINGYI_HOME": home},
        )  # fmt: skip


def pingyi_wheel(python: str, into: Path) -> Path:
    with tempfile.TemporaryDirectory() as work:
        # a copy of the sources, so that the build leaves no build/ or egg-info behind
        source = Path(work) / "src"
        shutil.copytree(
            REPO, source, ignore=shutil.ignore_patterns(
                ".git", ".venv", "var", "build", "dist", "tests", "bench", "__pycache__",
                ".mypy_cache", ".ruff_cache", ".hypothesis", "*.egg-info", "test-artifacts",
            ),
        )  # fmt: skip
        run(python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", into, source)
    (wheel,) = into.glob("pingyi-*.whl")
    return wheel


def download_wheels(python: str, requirements: Path, into: Path) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    run(
        python, "-m", "pip", "download", "-qq", "--disable-pip-version-check",
        "--require-hashes", "--only-binary=:all:", "--no-deps", "-d", CACHE, "-r", requirements,
    )  # fmt: skip
    pins = re.finditer(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)", requirements.read_text(), re.M)
    wanted = {_normalize(m.group(1)): m.group(2) for m in pins}
    hashes = set(re.findall(r"sha256:([0-9a-f]{64})", requirements.read_text()))
    for wheel in CACHE.glob("*.whl"):
        name, version = wheel.name.split("-")[:2]
        if wanted.get(_normalize(name)) == version and sha256(wheel) in hashes:
            shutil.copy2(wheel, into / wheel.name)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def python_runtime(into: Path) -> None:
    """The interpreter this virtualenv was made from, without what a server never uses,
    with the system libraries its modules need; its executable finds them and libpython
    in ../lib wherever the folder is unpacked."""
    base = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"

    def skip(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        left = {n for n in names if ".opt-" in n}  # the bytecode of -O and -OO
        if here == base:
            left |= {n for n in names if n not in ("bin", "lib")}
        if here == base / "bin":
            left |= {n for n in names if n not in (version, "python3")}
        return left | {n for n in names if n in RUNTIME_SKIP or n.startswith(RUNTIME_SKIP_PREFIX)}

    shutil.copytree(base, into, symlinks=True, ignore=skip)
    (into / "lib" / version / "site-packages").mkdir(exist_ok=True)
    binaries = [*(into / "lib").glob("libpython*.so.*")]
    binaries += (into / "lib" / version / "lib-dynload").glob("*.so")
    strip = shutil.which("strip")
    if strip is not None:  # the debugging symbols: 30 MB of libpython's 33
        run(strip, "--strip-unneeded", into / "bin" / version, *binaries)
    system_libraries(into / "lib", [into / "bin" / version, *binaries])
    patchelf = shutil.which("patchelf")
    if patchelf is None:
        sys.exit("bundle: patchelf is missing (apt-get install patchelf)")
    # DT_RPATH (not RUNPATH, which pyenv's build sets to its own prefix): python/lib is
    # searched first for the libraries of each, and for the libraries those load in turn
    rpath = ("--force-rpath", "--set-rpath")
    run(patchelf, *rpath, "$ORIGIN/../lib", into / "bin" / version)
    for binary in binaries:
        run(patchelf, *rpath, "$ORIGIN" if binary.parent.name == "lib" else "$ORIGIN/../..", binary)


def system_libraries(lib: Path, binaries: list[Path]) -> None:
    """Copies into ``lib`` the shared libraries of Debian that the interpreter and its
    modules load (OpenSSL, SQLite, libffi, zlib, …), glibc's own left out: a minimal
    Debian 12 may lack some, and an offline one cannot fetch them."""
    ldd = shutil.which("ldd") or "/usr/bin/ldd"
    found = subprocess.run(  # noqa: S603 - our own files
        [ldd, *map(str, binaries)], capture_output=True, text=True, check=False
    ).stdout
    for name, path in re.findall(r"^\s+(\S+) => (/\S+) \(", found, re.M):
        if name.startswith(GLIBC) or Path(path).resolve().is_relative_to(Path(sys.base_prefix)):
            continue
        if not (lib / name).exists():
            shutil.copy2(Path(path).resolve(), lib / name)


def cjk_font(into: Path) -> None:
    from pingyi.exports.pdf import cjk_font_path

    font = cjk_font_path()
    into.mkdir()
    shutil.copy2(font, into / font.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist")
    args = parser.parse_args()
    started = time.monotonic()
    python = sys.executable
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    version = project["version"]
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    name = f"pingyi-bundle-{version}-{tag}-{platform}"
    args.out.mkdir(parents=True, exist_ok=True)
    archive = args.out / f"{name}.tar.gz"
    with tempfile.TemporaryDirectory(dir=args.out) as work:
        root = Path(work) / name
        wheels = root / "wheels"
        wheels.mkdir(parents=True)
        say("the run-time requirements")
        requirements = wheels / "requirements.txt"
        header = "# Pingyi's run-time packages, from requirements.lock (make bundle)\n"
        requirements.write_text(
            header + "".join(runtime_requirements(LOCK.read_text(), project["dependencies"]))
        )
        say("downloading their wheels (PyPI or pip's cache)")
        download_wheels(python, requirements, wheels)
        say("compiling the messages and building Pingyi's wheel")
        compile_messages(python)
        wheel = pingyi_wheel(python, wheels)
        (wheels / "pingyi.txt").write_text(f"pingyi=={version} --hash=sha256:{sha256(wheel)}\n")
        (wheels / "python-version").write_text("{}.{}\n".format(*sys.version_info[:2]))
        say("copying the Python runtime, the font and deploy/")
        python_runtime(root / "python")
        cjk_font(root / "fonts")
        shutil.copytree(REPO / "deploy", root / "deploy")
        shutil.copy2(REPO / "scripts" / "install.sh", root / "install.sh")
        (root / "VERSION").write_text(f"{version}\n")
        os.chmod(root / "install.sh", 0o755)  # noqa: S103 - a script everyone may run
        say(f"writing {archive}")
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(root, arcname=name)
        partial.replace(archive)
    size = archive.stat().st_size / 2**20
    say(f"{archive} ({size:.0f} MB, {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
