#!/usr/bin/env bash
# On-demand contract fuzzing of a live fake with the schemathesis CLI: every check, and stateful (link) testing.
# Takes minutes, so it is not part of `./run test` (tests/test_fuzz.py is the fast in-process subset).
#
#   bench/fuzz.sh                       # every implemented operation, 20 cases each, at most 600 s
#   FUZZ_EXAMPLES=50 FUZZ_MAX_TIME=1200 FUZZ_SEED=7 bench/fuzz.sh
#   bench/fuzz.sh --include-path-regex '^/vector_stores'    # extra arguments go to `schemathesis run`
#
# The document is the one the fake validates against (official spec + overlay, implemented operations only:
# `python tests/test_fuzz.py`). The fake runs with --validate-responses and one configured key, so a wrong key
# really is a 401 and the `ignored_auth` check means something. Reports (JSON, and a pytest file replaying each
# failure) go to $FUZZ_OUT (default /tmp/mockapi-fuzz). Expected failure classes, and why they are not bugs, are
# listed in contracts/README.md ("Contract fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate

OUT=${FUZZ_OUT:-/tmp/mockapi-fuzz}
KEY=sk-fuzz
mkdir -p "$OUT"
python tests/test_fuzz.py > "$OUT/fuzz.json"
echo "{\"api_keys\": [\"$KEY\"]}" > "$OUT/config.json"
PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

mockapi serve --port "$PORT" --config "$OUT/config.json" --validate-responses > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/models" && break
    sleep 0.2
done

# unsupported_method is left out: the fake answers a wrong method with the real 405 envelope but no Allow header
# (whether api.openai.com sends one is unverified; see contracts/README.md).
status=0
schemathesis run "$OUT/fuzz.json" --url "http://127.0.0.1:$PORT/v1" \
    -H "Authorization: Bearer $KEY" -H "OpenAI-Beta: assistants=v2" \
    --checks all --exclude-checks unsupported_method \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "${FUZZ_EXAMPLES:-20}" --max-time "${FUZZ_MAX_TIME:-600}" --seed "${FUZZ_SEED:-1}" \
    --continue-on-failure --workers 1 \
    --report json,pytest --report-dir "$OUT" "$@" || status=$?
if grep -q "unexpected error" "$OUT/server.log"; then
    echo "The fake logged internal errors: see $OUT/server.log" >&2
    status=1
fi
exit "$status"
