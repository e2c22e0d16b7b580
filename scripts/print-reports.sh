#!/usr/bin/env bash
# Print both versions of a unit's report to A4 with headless Chromium, as
# the bureau files them, and turn every page into a PNG to look at:
#
#   scripts/print-reports.sh [OUT_DIR] [INPUT.toml|.docx ...] [-- SCORE OPTIONS]
#
#   OUT_DIR/notice.html, notice.pdf, notice-N.png      the unit's notice (--for unit)
#   OUT_DIR/paper.html,  paper.pdf,  paper-N.png       the bureau's working paper
#
# Needs Debian's chromium, a CJK font and poppler:
#   apt-get update && apt-get install -y chromium fonts-noto-cjk poppler-utils
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/print}
shift || true
inputs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do inputs+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#inputs[@]} -eq 0 ] && inputs=(examples/2022/yueyanglou-finance-office.toml)
for tool in chromium pdftoppm; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool is not installed: apt-get update && apt-get install -y chromium fonts-noto-cjk poppler-utils" >&2
        exit 1
    fi
done
mkdir -p "$out"
cargo build --quiet
bin=target/debug/jixiao
"$bin" score --for unit --format html -o "$out/notice.html" "$@" "${inputs[@]}"
"$bin" score --for bureau --format html -o "$out/paper.html" "$@" "${inputs[@]}"

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --disable-background-networking
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile")
for doc in notice paper; do
    rm -f "$out/$doc.pdf" "$out/$doc"-*.png
    chromium "${flags[@]}" --no-pdf-header-footer \
        --print-to-pdf="$(realpath -m "$out/$doc.pdf")" "file://$(realpath "$out/$doc.html")" 2>/dev/null
    pdftoppm -r 80 -png "$out/$doc.pdf" "$out/$doc"
    echo "$out/$doc.pdf: $(pdfinfo "$out/$doc.pdf" | awk '/^Pages:/ { print $2 }') pages"
done
