#!/usr/bin/env bash
# /fit/install: `cmake --install` (what `make install DESTDIR=…` runs) stages the binary, the
# GStreamer plugin where GStreamer looks, /etc/jobcast and a systemd unit that systemd accepts;
# the staged plugin loads, and the unit's own command line starts the staged binary with the
# staged config and a token handed over as a systemd credential.
set -euo pipefail
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

stage=$tmp/stage
DESTDIR=$stage cmake --install "$build" >"$tmp/install.log"
prefix=$(awk -F= '$1 == "CMAKE_INSTALL_PREFIX:PATH" { print $2 }' "$build/CMakeCache.txt")
libdir=$(awk -F= '$1 == "CMAKE_INSTALL_LIBDIR:PATH" { print $2 }' "$build/CMakeCache.txt")
[ "$prefix" = /usr ] || fail "install prefix is $prefix, not /usr"
unit=$stage/usr/lib/systemd/system/jobcast.service
for f in usr/bin/jobcast "usr/$libdir/gstreamer-1.0/libgstjobcast.so" etc/jobcast/jobcast.ini \
    etc/jobcast/themes/default.ini usr/lib/systemd/system/jobcast.service \
    usr/lib/sysusers.d/jobcast.conf usr/share/doc/jobcast/README.md \
    usr/share/jobcast/prometheus/jobcast-alerts.yml; do
    [ -e "$stage/$f" ] || fail "$f not installed"
done
# The alert rules as installed are what Prometheus loads (docs/deploy.md names this path).
command -v promtool >/dev/null || fail "promtool not found (scripts/setup.sh installs prometheus)"
promtool check rules "$stage/usr/share/jobcast/prometheus/jobcast-alerts.yml" >"$tmp/rules.log" 2>&1 ||
    fail "promtool check rules refuses the installed alert rules: $(cat "$tmp/rules.log")"
[ -x "$stage/usr/bin/jobcast" ] || fail "jobcast not executable"
# The ini holds stream keys: not world-readable.
perm=$(stat -c %a "$stage/etc/jobcast/jobcast.ini")
[ "$perm" = 640 ] || fail "jobcast.ini has mode $perm, not 640"
# GStreamer's plugin folder is where pkg-config says (for prefix /usr).
want=$(pkg-config --variable=pluginsdir gstreamer-1.0)
[ "$want" = "/usr/$libdir/gstreamer-1.0" ] || fail "plugin folder /usr/$libdir/gstreamer-1.0, GStreamer's is $want"

# The unit as systemd reads it, against the staged tree (systemd's own units copied in so
# that its dependencies resolve, and the shell ExecStart runs).
grep -q '^User=jobcast$' "$unit" || fail "unit has no User=jobcast"
for key in StateDirectory=jobcast Restart=on-failure KillSignal=SIGTERM NoNewPrivileges=yes \
    ProtectSystem=strict ProtectHome=yes LoadCredential=producer-token:/etc/jobcast/producer-token; do
    grep -qx "$key" "$unit" || fail "unit lacks $key"
done
mkdir -p "$stage/usr/lib/systemd" "$stage/bin"
cp -a /usr/lib/systemd/system/. "$stage/usr/lib/systemd/system/"
cp "$(readlink -f /bin/sh)" "$stage/bin/sh"
if ! systemd-analyze verify --root="$stage" /usr/lib/systemd/system/jobcast.service \
    >"$tmp/verify.log" 2>&1; then
    cat "$tmp/verify.log" >&2
    fail "systemd-analyze verify refused the unit"
fi
if grep 'jobcast.service' "$tmp/verify.log" >&2; then
    fail "systemd-analyze verify complained about the unit"
fi

# The staged plugin loads and registers the element.
GST_REGISTRY=$tmp/registry.bin GST_PLUGIN_SYSTEM_PATH_1_0="" \
    GST_PLUGIN_PATH="$stage/usr/$libdir/gstreamer-1.0:$(pkg-config --variable=pluginsdir gstreamer-1.0)" \
    gst-inspect-1.0 jobcastoverlay >"$tmp/inspect.log" 2>&1 || {
    cat "$tmp/inspect.log" >&2
    fail "the staged plugin does not load"
}

# The unit's ExecStart, run as systemd would (credentials folder, $$ unescaped), on the staged
# files, for a 3 s show on a free port.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
cmd=${exec_start//\$\$/\$}
cmd=${cmd//\/usr\/bin\/jobcast/$stage\/usr\/bin\/jobcast}
cmd=${cmd//\/etc\/jobcast/$stage\/etc\/jobcast}
cmd=${cmd//\/var\/lib\/jobcast/$tmp\/state}
cmd="${cmd%\'} --listen 127.0.0.1:0 --no-record --duration 3'"
mkdir -p "$tmp/creds" "$tmp/state"
token=0123456789abcdef0123456789abcdef
printf %s "$token" >"$tmp/creds/producer-token"
(cd "$tmp/state" && CREDENTIALS_DIRECTORY=$tmp/creds JOBCAST_SOURCE_DIR= eval "$cmd") \
    >"$tmp/run.log" 2>&1 || { cat "$tmp/run.log" >&2; fail "the unit's command line did not run a show"; }
grep -q 'Control page' "$tmp/run.log" || { cat "$tmp/run.log" >&2; fail "no control page announced"; }
[ -s "$tmp/state/jobcast.db" ] || fail "no database in the state directory"
echo "installed tree, unit, plugin and the unit's command line all work"
