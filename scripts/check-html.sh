#!/usr/bin/env bash
# Renders the example term's HTML pages in headless Chromium and checks them: the calendar
# page has one block per session in the DOM the browser built; the attendance page (the
# term applied to the sandbox, then read half-way through) has one grid cell per learner
# and held session; and neither logs anything at all on the console (each page's
# Content-Security-Policy turns any script or fetch into a console message). Also writes
# 1600x1200 screenshots, to the paths given as $1 and $2 or into a temp dir.
#
# usage: scripts/check-html.sh [SCREENSHOT.png [ATTENDANCE.png]]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

expected_sessions=294
now=2027-01-04T09:00:00+08:00
browser=${CHROMIUM:-chromium}

fail() {
    echo "check-html: $*" >&2
    exit 1
}

command -v "$browser" >/dev/null || fail "\`$browser\` not found; install it with \`apt-get install -y chromium\`"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shot=${1:-$work/term.png}
attendance_shot=${2:-$work/attendance.png}
attendance_now=2027-04-20T12:00:00+08:00

# One browser run with a fresh profile, so no state leaks between runs or from the user.
run_browser() {
    local name=$1
    shift
    rm -rf "$work/profile"
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$work/profile" \
        --enable-logging=stderr --v=0 "$@" 2>"$work/$name.stderr" ||
        fail "chromium failed ($name); its stderr is:$(printf '\n%s' "$(cat "$work/$name.stderr")")"
}

# Console messages, as Chromium logs them with --enable-logging=stderr.
console_lines() {
    grep -E ':CONSOLE(:|\()|Uncaught' "$1" || true
}

# First prove that console messages would be seen: a check that cannot fail proves nothing.
cat >"$work/probe.html" <<'EOF'
<!DOCTYPE html><meta charset="utf-8"><script>console.error("probe")</script>
EOF
run_browser probe --dump-dom "file://$work/probe.html" >/dev/null
[ -n "$(console_lines "$work/probe.stderr")" ] ||
    fail "chromium did not log a console error from a probe page; cannot check for console errors"

cargo run --quiet -- plan schedules/spring-2027.yaml --format html --now "$now" >"$work/term.html" ||
    fail "\`livesched plan --format html\` failed"

run_browser dom --dump-dom "file://$work/term.html" >"$work/dom.html"
errors=$(console_lines "$work/dom.stderr")
[ -z "$errors" ] || fail "console messages while loading the page:$(printf '\n%s' "$errors")"

blocks=$(grep -o 'data-key="' "$work/dom.html" | wc -l)
[ "$blocks" -eq "$expected_sessions" ] ||
    fail "expected \`$expected_sessions\` session blocks in the rendered DOM, found \`$blocks\`"
sessions=$(grep -o 'class="session ' "$work/dom.html" | wc -l)
[ "$sessions" -eq "$expected_sessions" ] ||
    fail "expected \`$expected_sessions\` elements of class \`session\`, found \`$sessions\`"

run_browser shot --screenshot="$shot" --window-size=1600,1200 "file://$work/term.html"
errors=$(console_lines "$work/shot.stderr")
[ -z "$errors" ] || fail "console messages while taking the screenshot:$(printf '\n%s' "$errors")"
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    fail "no PNG screenshot at \`$shot\`"

echo "check-html: $blocks session blocks, no console messages, screenshot \`$shot\` ($(wc -c <"$shot") bytes)"

# The attendance page, from a copy of the example term, so nothing lands in schedules/.
cp -r schedules "$work/term"
term=spring-2027.yaml
livesched() {
    (cd "$work/term" && cargo run --quiet --manifest-path "$root/Cargo.toml" -- "$@")
}
livesched apply "$term" --sandbox --now "$now" >"$work/apply.out" 2>&1 ||
    fail "\`livesched apply --sandbox\` failed:$(printf '\n%s' "$(cat "$work/apply.out")")"
livesched attendance "$term" --sandbox --now "$attendance_now" --format csv \
    >"$work/attendance.csv" 2>"$work/attendance.err" ||
    fail "\`livesched attendance --format csv\` failed:$(printf '\n%s' "$(cat "$work/attendance.err")")"
# Column 5 is `held`: one cell per learner and held session, summed over the rows.
expected_cells=$(tail -n +2 "$work/attendance.csv" | awk -F, '{ s += $5 } END { print s + 0 }')
[ "$expected_cells" -gt 0 ] || fail "no session was held by $attendance_now"
livesched attendance "$term" --sandbox --now "$attendance_now" \
    --out "$work/attendance.html" 2>"$work/attendance.err" ||
    fail "\`livesched attendance --format html\` failed:$(printf '\n%s' "$(cat "$work/attendance.err")")"

run_browser adom --dump-dom "file://$work/attendance.html" >"$work/adom.html"
errors=$(console_lines "$work/adom.stderr")
[ -z "$errors" ] || fail "console messages while loading the attendance page:$(printf '\n%s' "$errors")"
cells=$(grep -o 'class="cell ' "$work/adom.html" | wc -l)
[ "$cells" -eq "$expected_cells" ] ||
    fail "expected \`$expected_cells\` attendance cells (learners × held sessions) in the rendered DOM, found \`$cells\`"

run_browser ashot --screenshot="$attendance_shot" --window-size=1600,1200 "file://$work/attendance.html"
errors=$(console_lines "$work/ashot.stderr")
[ -z "$errors" ] || fail "console messages while taking the attendance screenshot:$(printf '\n%s' "$errors")"
[ "$(head -c 8 "$attendance_shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    fail "no PNG screenshot at \`$attendance_shot\`"

echo "check-html: $cells attendance cells, no console messages, screenshot \`$attendance_shot\` ($(wc -c <"$attendance_shot") bytes)"
