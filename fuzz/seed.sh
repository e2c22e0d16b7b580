#!/usr/bin/env bash
# Seed the fuzz corpora from the repository's own files: rule files for the
# parser and checker, submissions for the loader and scorer. Run from the
# repository root: bash fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for t in parse_rules check_sheet load_submission score_bytes; do
    mkdir -p "fuzz/corpus/$t"
done
for f in rules/*/*.jx tests/fixtures/check/err/*.jx; do
    cp "$f" "fuzz/corpus/parse_rules/$(echo "$f" | tr '/' '_')"
done
for f in rules/*/sheet.jx tests/fixtures/check/err/*.jx; do
    cp "$f" "fuzz/corpus/check_sheet/$(echo "$f" | tr '/' '_')"
done
for f in examples/*/*.toml tests/variants/*.toml tests/findings/*.toml tests/bad/*.toml; do
    [ -f "$f" ] || continue
    cp "$f" "fuzz/corpus/load_submission/$(echo "$f" | tr '/' '_')"
    cp "$f" "fuzz/corpus/score_bytes/$(echo "$f" | tr '/' '_')"
done
