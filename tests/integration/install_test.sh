#!/bin/sh
# install_test.sh - `make install` into a temporary DESTDIR, as an operator
# would run it: the tree (regied in sbin, the clients in bin, three man
# pages, the systemd units with their paths filled in), each man page
# rendered by man -l without a warning and documenting what the code has
# (every option of `regied --help`, every norm of schemas/norms.c), the
# units accepted by systemd-analyze verify and scored "OK" or better by
# systemd-analyze security, and `regied --check-config`'s verdicts.
# Prints PASS:/FAIL: lines for tests/run.sh; a check whose tool is missing
# here (man, systemd-analyze) says SKIP and why.
set -u
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/regie-install-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
result() {   # result NAME STATUS [why]
    if [ "$2" -eq 0 ]; then echo "PASS: $1"; else echo "FAIL: $1${3:+: $3}"; failed=1; fi
}

# ---- the tree, PREFIX=/usr/local ----
root=$tmp/root
p=/usr/local
make --no-print-directory install PREFIX=$p DESTDIR="$root" >"$tmp/install.log" 2>&1
rc=$?
result install_runs $rc "make install failed"
if [ $rc -ne 0 ]; then          # nothing else can be checked
    tail -20 "$tmp/install.log"
    exit 1
fi
bad=""
for f in sbin/regied bin/regie bin/regie-sim bin/regie-verify; do
    [ -x "$root$p/$f" ] || bad="$bad $f"
done
for f in share/man/man8/regied.8 share/man/man1/regie.1 share/man/man5/regie.conf.5 \
         share/regie/web/index.html share/regie/web/app.js \
         lib/systemd/system/regied.service lib/systemd/system/regie-backup.service \
         lib/systemd/system/regie-backup.timer; do
    [ -f "$root$p/$f" ] || bad="$bad $f"
done
[ -z "$bad" ]
result install_tree $? "missing:$bad"
units=$root$p/lib/systemd/system
! grep -q '@[A-Z]*DIR@' "$units"/* && grep -q "^ExecStart=$p/sbin/regied " "$units/regied.service" &&
    grep -q "exec $p/bin/regie " "$units/regie-backup.service"
result units_name_installed_paths $? "a placeholder is left, or ExecStart does not name $p/sbin/regied"

# PREFIX=/usr: the units go where Debian's do.
make --no-print-directory install PREFIX=/usr DESTDIR="$tmp/usr" >"$tmp/install-usr.log" 2>&1 &&
    [ -f "$tmp/usr/lib/systemd/system/regied.service" ] && [ -x "$tmp/usr/usr/sbin/regied" ] &&
    grep -q '^ExecStart=/usr/sbin/regied ' "$tmp/usr/lib/systemd/system/regied.service"
result install_prefix_usr $? "PREFIX=/usr: units not in /lib/systemd/system"

# ---- the man pages ----
man_dir=$root$p/share/man
if command -v man >/dev/null 2>&1; then
    bad=""
    for page in man8/regied.8 man1/regie.1 man5/regie.conf.5; do
        MANWIDTH=80 man --warnings -l "$man_dir/$page" >"$tmp/page.txt" 2>"$tmp/page.err"
        if [ $? -ne 0 ] || [ -s "$tmp/page.err" ] || ! grep -q '^NAME' "$tmp/page.txt"; then
            bad="$bad $page"
            cat "$tmp/page.err"
        fi
    done
    [ -z "$bad" ]
    result man_pages_render $? "did not render cleanly:$bad"
else
    echo "SKIP: man_pages_render: man is not installed here"
fi
# What the pages say follows the code: every option of regied, every norm.
bad=""
opts=$("$root$p/sbin/regied" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p')
for opt in $opts; do
    esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
    grep -q -- "$esc" "$man_dir/man8/regied.8" || bad="$bad $opt"
done
[ -n "$opts" ] && [ -z "$bad" ]
result man_regied_lists_every_option $? "regied(8) lacks:$bad"
bad=""
for norm in $(sed -n 's/^ *{"\([a-z_.]*\)", .*/\1/p' schemas/norms.c); do
    grep -qF "$norm" "$man_dir/man5/regie.conf.5" || bad="$bad $norm"
done
[ -n "$(sed -n 's/^ *{"\([a-z_.]*\)", .*/\1/p' schemas/norms.c)" ] && [ -z "$bad" ]
result man_conf_lists_every_norm $? "regie.conf(5) lacks:$bad"

# ---- the units ----
# verify looks for ExecStart's programs and the man pages the units name:
# point both at the DESTDIR tree (nothing is installed on this machine).
if command -v systemd-analyze >/dev/null 2>&1; then
    mkdir -p "$tmp/units"
    for u in "$units"/*; do
        sed "s|$p/|$root$p/|g" "$u" >"$tmp/units/${u##*/}"
    done
    # Without man (a machine with no man-db), verify cannot look the pages
    # up and would reject every unit for it: check the rest (--man=no); the
    # pages themselves are checked above whenever man is there.
    man_check=--man=yes
    command -v man >/dev/null 2>&1 || man_check=--man=no
    MANPATH=$man_dir: systemd-analyze verify $man_check "$tmp/units/regied.service" \
        "$tmp/units/regie-backup.service" "$tmp/units/regie-backup.timer" >"$tmp/verify.log" 2>&1
    rc=$?
    [ $rc -eq 0 ] && [ ! -s "$tmp/verify.log" ] || { cat "$tmp/verify.log"; rc=1; }
    result units_verify $rc "systemd-analyze verify rejects a unit"
    for svc in regied.service regie-backup.service; do
        line=$(systemd-analyze security --offline=yes "$tmp/units/$svc" 2>&1 | grep 'Overall exposure level')
        echo "  $line"
        case $line in
        *" OK "* | *" SAFE "* | *" PERFECT "*) rc=0 ;;
        *) rc=1 ;;
        esac
        result "security_score_${svc%.service}" $rc "not OK or better: $line"
    done
else
    echo "SKIP: units_verify, security_score: systemd-analyze is not installed here"
fi

# ---- regied --check-config, from the installed binary ----
regied=$root$p/sbin/regied
printf '# a region\nnorm.review = 28\nescalation.start_level = 2\n' >"$tmp/good.conf"
printf 'norm.review = 28\nnorm.no_such_norm = 3\n' >"$tmp/bad.conf"
(umask 077; head -c 32 /dev/urandom | od -An -vtx1 | tr -d ' \n' >"$tmp/kek")
"$regied" --check-config --config "$tmp/good.conf" --key-file "$tmp/kek" --data "$tmp/never" >/dev/null 2>&1 &&
    [ ! -e "$tmp/never" ]
result check_config_accepts_good_and_opens_nothing $? "a valid config was refused, or --data was created"
"$regied" --check-config --config "$tmp/bad.conf" >/dev/null 2>"$tmp/bad.err"
rc=$?
[ $rc -eq 1 ] && grep -q 'bad.conf:2:' "$tmp/bad.err"
result check_config_names_the_bad_line $? "exit $rc; $(cat "$tmp/bad.err")"
"$regied" --check-config --key-file "$tmp/good.conf" >/dev/null 2>&1
[ $? -eq 1 ]
result check_config_refuses_a_bad_key_file $? "a config file passed as key file was accepted"

exit $failed
