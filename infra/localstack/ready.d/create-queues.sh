#!/bin/bash
# LocalStack init hook (mounted at /etc/localstack/init/ready.d): create every SQS queue and its
# dead-letter queue from topology.json, which `npm run infra:topology` generates from functions/.
# Idempotent, like the app's own declare at start: re-creating an existing queue is a no-op.
set -euo pipefail
topology=/etc/localstack/fnstack/topology.json
region="${AWS_DEFAULT_REGION:-us-east-1}"

python3 - "$topology" <<'PY' | while read -r name dlq max; do
import json, sys
t = json.load(open(sys.argv[1]))
for q in t["queues"]:
    print(q["name"], q["dlq"], t["maxReceiveCount"])
PY
  awslocal --region "$region" sqs create-queue --queue-name "$dlq" >/dev/null
  dlq_arn=$(awslocal --region "$region" sqs get-queue-attributes \
    --queue-url "$(awslocal --region "$region" sqs get-queue-url --queue-name "$dlq" --query QueueUrl --output text)" \
    --attribute-names QueueArn --query Attributes.QueueArn --output text)
  redrive="{\"deadLetterTargetArn\":\"$dlq_arn\",\"maxReceiveCount\":\"$max\"}"
  awslocal --region "$region" sqs create-queue --queue-name "$name" \
    --attributes "{\"RedrivePolicy\":$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$redrive")}" >/dev/null
  echo "fnstack: queue $name (dead letters: $dlq)"
done
