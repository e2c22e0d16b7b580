#!/usr/bin/env bash
# Render the example's HTML report to a PNG with headless Chromium, to look
# at it as a browser (and a printer) would. Not part of `cargo test` or CI.
#
#   scripts/screenshot-html.sh [OUT.png] [INPUT.toml]
#
# Needs Debian's chromium and a CJK font:
#   apt-get update && apt-get install -y chromium fonts-noto-cjk
# Writes OUT.png (default target/screenshots/example.png) at 1240×1754, the
# size of an A4 page at 150 dpi, and OUT.pdf, the same report printed to A4.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/screenshots/example.png}
input=${2:-examples/2022/yueyanglou-finance-office.toml}
mkdir -p "$(dirname "$out")"
html="$(dirname "$out")/$(basename "$out" .png).html"

if ! command -v chromium >/dev/null; then
    echo "chromium is not installed: apt-get update && apt-get install -y chromium fonts-noto-cjk" >&2
    exit 1
fi
cargo run --quiet --release -- score --format html -o "$html" "$input"

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
    --disable-component-update --disable-sync --no-first-run
    --user-data-dir="$profile")
url="file://$(realpath "$html")"
chromium "${flags[@]}" --hide-scrollbars --screenshot="$(realpath -m "$out")" \
    --window-size=1240,1754 "$url" 2>/dev/null
chromium "${flags[@]}" --no-pdf-header-footer \
    --print-to-pdf="$(realpath -m "${out%.png}.pdf")" "$url" 2>/dev/null
echo "$out"
echo "${out%.png}.pdf"
