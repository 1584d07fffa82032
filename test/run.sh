#!/usr/bin/env bash
# The test command. `npm test`: unit tests (pure, no network) then integration tests (a private Redis per test
# file, started by the tests themselves); `npm run test:unit` / `npm run test:integration`: one of the two.
# node:test on Node 20 does not expand globs: bash does. Further arguments go to node's test runner.
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
suite=all
case "${1:-}" in unit | integration | all) suite=$1; shift ;; esac
files=()
[ "$suite" = integration ] || files+=(test/unit/**/*.test.ts)
[ "$suite" = unit ] || files+=(test/integration/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
node --import tsx --test --test-concurrency=2 --test-timeout=300000 "$@" "${files[@]}"
# The integration suites that must hold on a Redis Cluster too, each file on a private 3-master cluster
# (test/helpers/redis-cluster.ts), and the cluster's own tests (test/cluster/: failover). --test-force-exit: once
# a file's tests are done its process ends, even if a client of a cluster torn down under it still holds the
# event loop (seen once in CI, after the failover tests had passed).
if [ "$suite" != unit ]; then
  TEST_REDIS=cluster node --import tsx --test --test-concurrency=2 --test-timeout=300000 --test-force-exit "$@" \
    test/integration/push-and-read.test.ts test/integration/online-oracle.test.ts \
    test/integration/kinesis-ingest.test.ts test/integration/kinesis-crash.test.ts \
    test/integration/sagemaker-sink.test.ts test/integration/readiness.test.ts \
    test/integration/limits.test.ts test/integration/push-jobs.test.ts \
    test/integration/push-lane-resilience.test.ts test/integration/close-early.test.ts \
    test/cluster/**/*.test.ts
fi
