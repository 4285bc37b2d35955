#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil abft --html` on the Fashion-MNIST CNN: the page is self-contained (no script, no
# link out), holds one overhead row per layer that either scheme checks in the JSON of
# the same run, and headless Chromium renders it to the same count and paints it. Without
# Chromium the file checks run and the test is skipped (exit 77).
#   abft_html_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$(dirname "$0")/cli_test_lib.sh"

ok "$vigil" abft "$root/models/fashion_mnist_cnn.onnx" --runs 3 --json "$scratch/abft.json" --html "$scratch/abft.html"
want=$(python3 -c "import json, sys; print(sum(1 for l in json.load(open(sys.argv[1]))['layers']
  if l['fused_checked'] or l['separate_checked']))" "$scratch/abft.json")
layers() { grep -o 'class="abft-layer"' "$1" | wc -l; }
[[ $want -eq 5 && $(layers "$scratch/abft.html") -eq $want ]] && pass ||
  fail "$(layers "$scratch/abft.html") layer rows in the page for $want checked layers in the JSON (the CNN has 5)"
grep -qi '<script' "$scratch/abft.html" && fail "a <script> in the page" || pass
grep -qi 'http' "$scratch/abft.html" && fail "a link out of the page" || pass

if [[ ! -x "$chromium" ]]; then
  echo "rendering not checked: no $chromium (scripts/setup.sh --models installs it)"
  [[ $failed -eq 0 ]] && exit 77
  finish abft_html
fi
browse --screenshot="$scratch/abft.png" --window-size=1100,1200 "file://$scratch/abft.html" >/dev/null
size=$(stat -c %s "$scratch/abft.png" 2>/dev/null || echo 0)
[[ $size -gt 20000 ]] && pass || fail "screenshot of $size bytes"
browse --dump-dom "file://$scratch/abft.html" >"$scratch/dom.html"
[[ $(layers "$scratch/dom.html") -eq $want ]] && pass || fail "$(layers "$scratch/dom.html") rows in the rendered DOM"
[[ $failed -eq 0 ]] || sed 's/^/    /' "$scratch/chromium.stderr" | tail -5
finish abft_html
