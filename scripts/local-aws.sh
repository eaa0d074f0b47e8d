# Sourced by scripts/dev and scripts/bench: `start_local_aws [Parameter=VALUE | SecretLogicalId=JSON ...]`
# starts moto on a free loopback port (stopped when the calling script exits), points the AWS variables at
# it and creates template.yaml's resources and demo data on it (scripts/local-aws.py), describing them in
# $local_aws_stack (default .build/dev/stack.json). `value FUNCTION VARIABLE` prints one variable of a
# function's resolved environment, e.g. `value notifications DEAD_LETTER_QUEUE_URL`.
start_local_aws() {
    local log
    log=$(mktemp)
    local_aws_stack=${local_aws_stack:-.build/dev/stack.json}
    mkdir -p "$(dirname "$local_aws_stack")"
    .venv/bin/python scripts/moto-server.py -H 127.0.0.1 -p 0 > "$log" 2>&1 &
    local_aws_moto=$!
    trap 'kill $local_aws_moto 2>/dev/null || true' EXIT
    for _ in $(seq 100); do grep -q "Running on" "$log" && break; sleep 0.1; done
    endpoint=$(grep -o "http://127.0.0.1:[0-9]*" "$log" | head -n 1)
    [ -n "$endpoint" ] || { echo "moto did not start: $(tail -5 "$log")" >&2; exit 1; }
    export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$endpoint" \
        AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
    .venv/bin/python scripts/local-aws.py "$local_aws_stack" "$@"
}

value() {
    .venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["functions"][sys.argv[2]]["environment"][sys.argv[3]])' \
        "$local_aws_stack" "$1" "$2"
}
