#!/usr/bin/env bash
# The figures of docs/performance.md, measured again:
#
#   scripts/perf.sh            instruction counts (callgrind) and wall times
#   PERF_UNITS=20000 scripts/perf.sh   also peak memory at 20,000 units
#
# Instruction counts are per unit (or per call) and marginal: the same run
# with few and with more repetitions, the difference divided by the extra
# repetitions, so start-up and compiling the rules do not count. They do
# not depend on how busy the machine is; wall times do (the 1-minute load
# average is printed with them).
#
# Needs valgrind (Debian: apt-get install -y valgrind) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${PERF_DIR:-$root/target/perf}
mkdir -p "$work"

echo "building (release)…" >&2
cargo build --release --quiet
stages=$(cargo bench --bench stages --no-run 2>&1 | grep -o 'target/release/deps/stages-[0-9a-f]*' | head -1)
bin=$root/target/release/jixiao
[ -x "$stages" ] || { echo "stage driver not built" >&2; exit 1; }

# Instructions of one command under callgrind (the total it collected).
instr() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' | tail -1
}
# Marginal instructions: (run with N2) - (run with N1), divided by N2 - N1.
marginal() { # N1 I1 N2 I2
    echo $(( ($4 - $2) / ($3 - $1) ))
}
millions() { awk -v n="$1" 'BEGIN { printf "%.2f M", n / 1e6 }'; }

# Folders: the district's first units, written by the stage driver.
"$stages" district "$work/d20" 20
"$stages" district "$work/d60" 60
"$stages" district "$work/d2000" 2000
# The 2022 rules without the indicator checks: the sheet alone.
rm -rf "$work/sheet-only" && cp -r rules/2022 "$work/sheet-only" && rm "$work/sheet-only/indicators.jx"
# Without the checks, the criteria's `related to` them goes too.
sed -i 's/ related to [a-z0-9_, ]*{/ {/' "$work/sheet-only/sheet.jx"
rm -rf "$work/sheet-only/tests"

echo "counting instructions (callgrind)…" >&2
j20=$(JIXIAO_THREADS=1 instr "$bin" score --format json "$work/d20")
j60=$(JIXIAO_THREADS=1 instr "$bin" score --format json "$work/d60")
c20=$(JIXIAO_THREADS=1 instr "$bin" score --format csv "$work/d20")
c60=$(JIXIAO_THREADS=1 instr "$bin" score --format csv "$work/d60")
l1=$(instr "$stages" load 1)
l11=$(instr "$stages" load 11)
s1=$(instr "$stages" score 1)
s51=$(instr "$stages" score 51)
h1=$(instr "$stages" score 1 "$work/sheet-only")
h51=$(instr "$stages" score 51 "$work/sheet-only")

echo "timing the 2,000-unit folder…" >&2
walls=()
for _ in 1 2 3; do
    t=$( { /usr/bin/time -f '%e' "$bin" score --format json "$work/d2000" >/dev/null; } 2>&1 | tail -1)
    walls+=("$t")
done
best=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)

echo
echo "| what | measured |"
echo "|---|---|"
echo "| one more unit in a folder → JSON (load + score + render, marginal) | $(millions "$(marginal 20 "$j20" 60 "$j60")") instr |"
echo "| one more unit → CSV summary (marginal) | $(millions "$(marginal 20 "$c20" 60 "$c60")") instr |"
echo "| load one submission (22 KB TOML) | $(millions "$(marginal 1 "$l1" 11 "$l11")") instr |"
echo "| score one loaded submission, full 2022 rules | $(millions "$(marginal 1 "$s1" 51 "$s51")") instr |"
echo "| score, sheet only (indicators.jx removed) | $(millions "$(marginal 1 "$h1" 51 "$h51")") instr |"
echo "| 2,000-unit folder → JSON, $(nproc) cores, wall | ${best} s (best of 3: ${walls[*]}) |"
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "| run | peak RSS |"
echo "|---|---|"
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
for n in 2000 ${PERF_UNITS:-}; do
    [ "$n" = 2000 ] || "$stages" district "$work/d$n" "$n"
    echo "| $n units, json | $(rss "$bin" score --format json "$work/d$n") KB |"
    echo "| $n units, csv | $(rss "$bin" score --format csv "$work/d$n") KB |"
    echo "| $n units, xlsx | $(rss "$bin" score --format xlsx -o "$work/summary.xlsx" "$work/d$n") KB |"
done
