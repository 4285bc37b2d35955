# SPDX-License-Identifier: Apache-2.0
# What the command-line test scripts share (sourced, not run): a scratch folder removed
# on exit, pass and fail counters, the checks `ok` and `bad`, headless Chromium for the
# HTML reports, and the closing summary whose status is the script's.
# A failure prints the command's stderr if the script left it in $scratch/stderr.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
  [[ -f "$scratch/stderr" ]] && sed 's/^/    /' "$scratch/stderr" | head -10
  return 0
}

# ok COMMAND...: exit 0.
ok() {
  if "$@" >"$scratch/stdout" 2>"$scratch/stderr"; then pass; else fail "$* -> exit $?"; fi
}

# bad EXPECTED_TEXT COMMAND...: exit 2, one line on stderr containing the text, and no
# file $scratch/out.* written (scripts name their outputs out.json, out.csv, ...).
bad() {
  local expected="$1"
  shift
  rm -f "$scratch"/out.*
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  if [[ $code -ne 2 ]]; then fail "$* -> exit $code, expected 2"; return; fi
  if [[ $(wc -l <"$scratch/stderr") -ne 1 ]] || ! grep -qF -- "$expected" "$scratch/stderr"; then
    fail "$* -> stderr is not one line with '$expected'"
    return
  fi
  if compgen -G "$scratch/out.*" >/dev/null; then fail "$* -> left an output file"; return; fi
  pass
}

# browse CHROMIUM_FLAGS...: headless Chromium (at $chromium) on a fresh home and profile,
# so runs stay independent; its stderr goes to $scratch/chromium.stderr.
chromium=/usr/bin/chromium
browse() {
  HOME="$scratch/home" timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$scratch/profile" "$@" 2>>"$scratch/chromium.stderr"
}

# finish NAME: prints the counts and exits 0 only if nothing failed.
finish() {
  echo "$1: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit
}
