#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil profile --html` on ResNet-18, rendered by headless Chromium: the report loads and
# paints (a screenshot of some size), and the rendered DOM has exactly one roofline mark
# (class="layer-mark") per layer of the JSON report of the same run. Skipped (exit 77) where
# there is no Chromium or no bench/models/resnet18.onnx (`scripts/setup.sh --models`).
#   profile_html_screenshot_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="$root/bench/models/resnet18.onnx"
source "$(dirname "$0")/cli_test_lib.sh"
if [[ ! -x "$chromium" || ! -f "$model" ]]; then
  echo "skipped: needs $chromium and $model"
  exit 77
fi

html="$scratch/report.html"
json="$scratch/report.json"
"$vigil" profile "$model" --runs 3 --html "$html" --json "$json" >"$scratch/stdout" 2>"$scratch/stderr"
code=$?
if [[ $code -ne 0 || ! -s "$html" || ! -s "$json" ]]; then
  fail "vigil profile: exit $code, or no HTML or JSON report"
  finish profile_html_screenshot
fi
pass

layers=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["layers"]))' "$json")
[[ $layers -gt 0 ]] && pass || fail "no layers in the JSON report"
marks=$(grep -o 'class="layer-mark"' "$html" | wc -l)
[[ $marks -eq $layers ]] && pass || fail "$marks layer marks in the HTML file for $layers layers"
grep -qi '<script' "$html" && fail "a <script> in the report" || pass
grep -qi 'http' "$html" && fail "a link out of the report" || pass

png="$scratch/report.png"
browse --screenshot="$png" --window-size=1400,2400 "file://$html" >/dev/null
size=$(stat -c %s "$png" 2>/dev/null || echo 0)
[[ $size -gt 20000 ]] && pass || fail "screenshot of $size bytes"

browse --dump-dom "file://$html" >"$scratch/dom.html"
rendered=$(grep -o 'class="layer-mark"' "$scratch/dom.html" | wc -l)
[[ $rendered -eq $layers ]] && pass || fail "$rendered layer marks in the rendered DOM for $layers layers"
[[ $failed -eq 0 ]] || sed 's/^/    /' "$scratch/chromium.stderr" | tail -5

finish profile_html_screenshot
