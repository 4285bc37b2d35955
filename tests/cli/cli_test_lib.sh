# What the command-line test scripts share (sourced, not run): a scratch folder removed
# on exit, pass and fail counters, and the closing summary whose status is the script's.
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

# finish NAME: prints the counts and exits 0 only if nothing failed.
finish() {
  echo "$1: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit
}
