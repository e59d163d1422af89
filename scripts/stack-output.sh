#!/usr/bin/env bash
# One output of a deployed stack: scripts/stack-output.sh r2w-staging AppUrl
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/stack-output.sh STACK OUTPUT_KEY" >&2; exit 2; }
.venv-sam/bin/python - "$1" "$2" <<'PY'
import sys
import boto3
stack, key = sys.argv[1], sys.argv[2]
outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
values = [o["OutputValue"] for o in outputs if o["OutputKey"] == key]
if not values:
    sys.exit(f"{stack} has no output {key}")
print(values[0])
PY
