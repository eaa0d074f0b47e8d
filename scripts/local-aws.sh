# Sourced by scripts/dev and scripts/bench: `start_local_aws` starts moto on a free loopback port (stopped
# when the calling script exits), points the AWS variables at it, creates the functions' resources
# (scripts/local-aws.py) and defines `value NAME`, which prints one of the resources it created.
start_local_aws() {
    local log
    log=$(mktemp)
    .venv/bin/python scripts/moto-server.py -H 127.0.0.1 -p 0 > "$log" 2>&1 &
    local_aws_moto=$!
    trap 'kill $local_aws_moto 2>/dev/null || true' EXIT
    for _ in $(seq 100); do grep -q "Running on" "$log" && break; sleep 0.1; done
    endpoint=$(grep -o "http://127.0.0.1:[0-9]*" "$log" | head -n 1)
    [ -n "$endpoint" ] || { echo "moto did not start: $(tail -5 "$log")" >&2; exit 1; }
    export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$endpoint" \
        AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
    local_aws=$(.venv/bin/python scripts/local-aws.py)
}

value() { printf '%s\n' "$local_aws" | sed -n "s/^$1=//p"; }
