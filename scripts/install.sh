#!/usr/bin/env bash
# 评议 Pingyi — 离线安装 / offline install (the bundle of `make bundle`; README, "Operations").
#
# Unpack the bundle where Pingyi is to live (the systemd units of deploy/ expect /srv/pingyi),
# then run this script there, as the user who will run Pingyi or as root:
#
#   tar xzf pingyi-bundle-*.tar.gz && mv pingyi-bundle-*/ /srv/pingyi && /srv/pingyi/install.sh
#
# It needs no network: it creates the virtualenv .venv beside itself with the bundled Python
# (or PINGYI_PYTHON), installs the bundled wheels (hash-checked, never from an index), the
# Chinese font of the PDFs, writes PINGYI_HOME (default: var/ beside this script; the secret
# key, the database when SQLite, the static files) and migrates the database
# (PINGYI_DATABASE_URL when set). Running it again changes nothing that is in place, and
# installs a newer bundle's Pingyi over the old one.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV="$HERE/.venv"
export PINGYI_HOME="${PINGYI_HOME:-$HERE/var}"
PYVER=$(cat "$HERE/wheels/python-version" 2>/dev/null || echo 3.12)  # the wheels' Python

fail() { # fail "中文" "English"
  printf '\n安装失败：%s\nInstall failed: %s\n' "$1" "$2" >&2
  exit 1
}
step() { printf '== %s / %s\n' "$1" "$2"; }

# pip sees only this bundle: no configuration file, no index, no find-links of the machine.
for var in $(env | sed -n 's/^\(PIP_[A-Za-z_]*\)=.*/\1/p'); do unset "$var"; done
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1

[ -d "$HERE/wheels" ] && [ -f "$HERE/wheels/requirements.txt" ] \
  || fail "$HERE 中没有 wheels/ 目录：请完整解压安装包后再运行 install.sh" \
          "$HERE has no wheels/ folder: unpack the whole bundle, then run install.sh"

# --------------------------------------------------------------------------- the Python
usable() { # usable PYTHON: runs, is the bundle's version, has venv, ensurepip, ssl, sqlite3
  "$1" -c "import sys, venv, ensurepip, ssl, sqlite3, ctypes
sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$PYVER' else 3)" >/dev/null 2>&1
}
missing_libraries() { # the shared libraries the bundled Python finds nowhere on this machine
  local lib="$HERE/python/lib/python$PYVER/lib-dynload"
  ldd "$HERE/python/bin/python$PYVER" "$lib"/_ssl.*.so "$lib"/_hashlib.*.so \
    "$lib"/_sqlite3.*.so "$lib"/_ctypes.*.so "$lib"/_uuid.*.so "$lib"/_lzma.*.so \
    "$lib"/_bz2.*.so 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

if [ -n "${PINGYI_PYTHON:-}" ]; then
  PYTHON="$PINGYI_PYTHON"
  usable "$PYTHON" || fail \
    "PINGYI_PYTHON=$PYTHON 不可用：需要 Python $PYVER 及其 venv、ensurepip 模块（Debian：apt-get install python$PYVER-venv）" \
    "PINGYI_PYTHON=$PYTHON cannot be used: Python $PYVER with its venv and ensurepip modules is needed (Debian: apt-get install python$PYVER-venv)"
elif [ -x "$HERE/python/bin/python$PYVER" ]; then
  PYTHON="$HERE/python/bin/python$PYVER"
  if ! usable "$PYTHON"; then
    libs=$(missing_libraries)
    if [ -n "$libs" ]; then
      fail "自带的 Python 找不到这些系统库：$libs（本安装包适用于 x86-64 的 Debian 12 或更新版本；请完整解压安装包）" \
           "the bundled Python cannot find these system libraries: $libs (the bundle is for Debian 12 or newer on x86-64; unpack the whole bundle)"
    fi
    fail "自带的 Python（$PYTHON）无法运行；可设置 PINGYI_PYTHON 为本机的 Python $PYVER" \
         "the bundled Python ($PYTHON) does not run; set PINGYI_PYTHON to a Python $PYVER of this machine"
  fi
else
  PYTHON=$(command -v "python$PYVER" || command -v python3 || true)
  [ -n "$PYTHON" ] || fail \
    "找不到 python3，安装包中也缺少自带的 Python（python/ 目录）：请完整解压安装包，或设置 PINGYI_PYTHON 为带 venv 模块的 Python $PYVER" \
    "python3 is not installed and the bundle's own Python (the python/ folder) is missing: unpack the whole bundle, or set PINGYI_PYTHON to a Python $PYVER with its venv module"
  "$PYTHON" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$PYVER' else 1)" || fail \
    "安装包中缺少自带的 Python（python/ 目录），而 $PYTHON 的版本不是 $PYVER（wheel 为 Python $PYVER 构建）：请完整解压安装包，或设置 PINGYI_PYTHON 为 Python $PYVER" \
    "the bundle's own Python (the python/ folder) is missing and $PYTHON is not Python $PYVER (the wheels are built for it): unpack the whole bundle, or set PINGYI_PYTHON to a Python $PYVER"
  "$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1 || fail \
    "$PYTHON 缺少 venv 模块：请安装 python$PYVER-venv（apt-get install python$PYVER-venv）" \
    "$PYTHON has no venv module: install python$PYVER-venv (apt-get install python$PYVER-venv)"
fi

# ------------------------------------------------------------------------ the virtualenv
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import sys" >/dev/null 2>&1; then
  step "沿用已有的虚拟环境 $VENV" "keeping the virtualenv $VENV"
else
  step "创建虚拟环境 $VENV" "creating the virtualenv $VENV"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV" || fail "无法创建虚拟环境 $VENV" "cannot create the virtualenv $VENV"
fi

step "安装依赖包（离线，校验哈希）" "installing the packages (offline, hash-checked)"
"$VENV/bin/python" -m pip install -q --no-index --find-links "$HERE/wheels" --require-hashes \
  -r "$HERE/wheels/requirements.txt" \
  || fail "依赖包安装失败（见上方 pip 的输出）" "the packages did not install (see pip's output above)"
# Pingyi itself, again on every run: a newer bundle of the same version replaces the old.
"$VENV/bin/python" -m pip install -q --no-index --find-links "$HERE/wheels" --require-hashes \
  --no-deps --force-reinstall -r "$HERE/wheels/pingyi.txt" \
  || fail "Pingyi 安装失败（见上方 pip 的输出）" "Pingyi did not install (see pip's output above)"

# The Chinese font of the PDFs, where Pingyi looks beside its virtualenv (pingyi.exports.pdf).
mkdir -p "$VENV/share/pingyi/fonts"
cp -p "$HERE"/fonts/*.tt[cf] "$VENV/share/pingyi/fonts/"

# ------------------------------------------------------------------------ PINGYI_HOME
step "写入 PINGYI_HOME=$PINGYI_HOME" "writing PINGYI_HOME=$PINGYI_HOME"
mkdir -p "$PINGYI_HOME" || fail "无法创建 $PINGYI_HOME" "cannot create $PINGYI_HOME"
PINGYI="$VENV/bin/pingyi"
"$PINGYI" init || fail "无法写入密钥（pingyi init）" "cannot write the secret key (pingyi init)"
step "迁移数据库" "migrating the database"
"$PINGYI" manage migrate -v 0 || fail \
  "数据库迁移失败：检查 PINGYI_DATABASE_URL 及数据库是否可连接" \
  "the database did not migrate: check PINGYI_DATABASE_URL and that the database answers"
step "收集静态文件" "collecting the static files"
"$PINGYI" manage collectstatic --noinput -v 0 \
  || fail "静态文件收集失败" "the static files were not collected"

cat <<EOF

安装完成 / Installed: Pingyi $(cat "$HERE/VERSION" 2>/dev/null) in $HERE
  命令 / commands:  $PINGYI （以 PINGYI_HOME=$PINGYI_HOME 运行 / run with that PINGYI_HOME）

下一步 / Next steps (README, "离线安装 / offline install"):
  1. 设置 / settings:   mkdir -p /etc/pingyi && cp $HERE/deploy/systemd/pingyi.env /etc/pingyi/
                        编辑 / edit PINGYI_HOME=$PINGYI_HOME, PINGYI_ALLOWED_HOSTS, PINGYI_PUBLIC_URL
  2. 用户 / user:       useradd --system --home $HERE pingyi; chown -R pingyi:pingyi $PINGYI_HOME
  3. 服务 / services:   cp $HERE/deploy/systemd/*.service $HERE/deploy/pingyi-backup.* /etc/systemd/system/
                        systemctl daemon-reload && systemctl enable --now pingyi pingyi-backup.timer
     （单元文件假定安装在 /srv/pingyi / the units assume /srv/pingyi）
  4. nginx:             cp $HERE/deploy/nginx/pingyi_proxy.conf /etc/nginx/
                        cp $HERE/deploy/nginx/pingyi.conf /etc/nginx/sites-available/pingyi
                        ln -sf ../sites-available/pingyi /etc/nginx/sites-enabled/ && nginx -s reload
  5. 日志 / logs:       cp $HERE/deploy/logrotate/pingyi /etc/logrotate.d/
  6. 检查 / check:      set -a; . /etc/pingyi/pingyi.env; set +a; $PINGYI check-deploy
     管理员 / admin:    $PINGYI manage createsuperuser
EOF
