#!/usr/bin/env bash
# /fit/deb: `make deb`'s CPack configuration makes a package whose Depends name jobcast's
# run-time packages (libraries from dpkg-shlibdeps, plus the GStreamer elements and fonts it
# loads by name), with the binary, plugin, unit and config in place and maintainer scripts
# that make the service user and token.
set -euo pipefail
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1) ||
    { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$tmp"/out/jobcast_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for p in libgstreamer1.0-0 libwebsockets17 libsqlite3-0 libsodium23 libjson-glib-1.0-0 \
    libqrencode4 libpango-1.0-0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
    gstreamer1.0-plugins-ugly gstreamer1.0-libav fonts-noto-cjk glib-networking; do
    grep -qE "(^|, )$p( |,|$)" <<<"$depends" || fail "Depends lacks $p: $depends"
done
# Every package it depends on is a real one (a typo would not install): installed here (the
# set-up installs jobcast's run-time packages) or at least known to apt.
for p in $(tr ',' '\n' <<<"$depends" | sed 's/(.*//; s/ //g'); do
    dpkg-query -W "$p" >/dev/null 2>&1 || apt-cache show "$p" >/dev/null 2>&1 ||
        fail "Depends names $p, which is neither installed nor in the archive"
done
dpkg-deb -c "$deb" | awk '{ print $1, $6 }' >"$tmp/contents"
for f in ./usr/bin/jobcast ./usr/lib/systemd/system/jobcast.service ./etc/jobcast/jobcast.ini \
    ./usr/lib/sysusers.d/jobcast.conf ./usr/share/jobcast/prometheus/jobcast-alerts.yml; do
    grep -q " $f$" "$tmp/contents" || fail "$f not in the package"
done
grep -q ' \./usr/lib/[^/]*/gstreamer-1.0/libgstjobcast.so$' "$tmp/contents" ||
    fail "the plugin is not in GStreamer's folder"
grep -q '^-rw-r----- ./etc/jobcast/jobcast.ini$' "$tmp/contents" || fail "jobcast.ini is world-readable"
mkdir "$tmp/ctl"
dpkg-deb -e "$deb" "$tmp/ctl"
grep -qx /etc/jobcast/jobcast.ini "$tmp/ctl/conffiles" || fail "jobcast.ini is not a conffile"
grep -q systemd-sysusers "$tmp/ctl/postinst" || fail "postinst does not create the user"
grep -q producer-token "$tmp/ctl/postinst" || fail "postinst does not create the token"
echo "package $(basename "$deb") ok: Depends $depends"
