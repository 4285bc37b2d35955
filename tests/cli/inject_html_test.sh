#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil inject --html` on the Fashion-MNIST CNN, a campaign and a bit-error-rate sweep:
# each page is self-contained (no script, no link out) and holds one bar per row of the
# JSON breakdowns of the same run (layers, bits, fault models, patterns, value classes) and
# one mark per swept rate; headless Chromium renders both to the same counts and paints
# them. Without Chromium the file checks run and the test is skipped (exit 77).
#   inject_html_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="$root/models/fashion_mnist_cnn.onnx"
data=/usr/share/datasets/fashion-mnist
if [[ ! -d "$data" ]]; then
  echo "skipped: needs $data (dataset-fashion-mnist)"
  exit 77
fi
source "$(dirname "$0")/cli_test_lib.sh"

# count FILE CLASS: elements of that class in an HTML file.
count() { grep -o "class=\"$2\"" "$1" | wc -l; }
# rows JSON EXPRESSION: a count from the JSON report, by a Python expression over `j`.
rows() { python3 -c "import json, sys; j = json.load(open(sys.argv[1])); print($2)" "$1"; }

ok "$vigil" inject "$model" --dataset "$data" --images 20 --fault flip,row,channel --values in_range,nan \
  --injections 300 --threads 2 --seed 3 --json "$scratch/campaign.json" --html "$scratch/campaign.html"
ok "$vigil" inject "$model" --dataset "$data" --images 100 --ber 1e-6:1e-3 --ber-points 4 --repeats 2 \
  --json "$scratch/ber.json" --html "$scratch/ber.html"

campaign_checks() {  # FILE: the campaign page's bars against the JSON
  local html="$1" json="$scratch/campaign.json" want got
  for pair in "layer-row:len(j['by_layer'])" "bit-row:len(j['by_bit'])" \
    "fault-row:sum(len(j[k]) for k in ('by_fault', 'by_pattern', 'by_value_class') if len(j.get(k, [])) > 1)"; do
    want=$(rows "$json" "${pair#*:}")
    got=$(count "$html" "${pair%%:*}")
    [[ $want -gt 0 && $got -eq $want ]] && pass || fail "$html: $got ${pair%%:*} bars for $want rows of the JSON"
  done
}
ber_checks() {  # FILE
  local want got
  want=$(rows "$scratch/ber.json" "len(j['points'])")
  got=$(count "$1" ber-point)
  [[ $want -eq 4 && $got -eq $want ]] && pass || fail "$1: $got rate marks for $want rates"
}

campaign_checks "$scratch/campaign.html"
ber_checks "$scratch/ber.html"
for page in campaign ber; do
  grep -qi '<script' "$scratch/$page.html" && fail "a <script> in the $page page" || pass
  grep -qi 'http' "$scratch/$page.html" && fail "a link out of the $page page" || pass
done
grep -q 'by spatial pattern' "$scratch/campaign.html" && pass || fail "no pattern breakdown in the campaign page"

if [[ ! -x "$chromium" ]]; then
  echo "rendering not checked: no $chromium (scripts/setup.sh --models installs it)"
  [[ $failed -eq 0 ]] && exit 77
  finish inject_html
fi
for page in campaign ber; do
  browse --screenshot="$scratch/$page.png" --window-size=1100,1800 "file://$scratch/$page.html" >/dev/null
  size=$(stat -c %s "$scratch/$page.png" 2>/dev/null || echo 0)
  [[ $size -gt 20000 ]] && pass || fail "screenshot of the $page page: $size bytes"
  browse --dump-dom "file://$scratch/$page.html" >"$scratch/$page.dom.html"
done
campaign_checks "$scratch/campaign.dom.html"
ber_checks "$scratch/ber.dom.html"
[[ $failed -eq 0 ]] || sed 's/^/    /' "$scratch/chromium.stderr" | tail -5
finish inject_html
