#!/bin/bash
# LocalStack init hook: the database credentials as a Secrets Manager secret, shaped as RDS writes
# them, for trying DATABASE_SECRET_ID locally:
#   QUEUE_DRIVER=sqs DATABASE_SECRET_ID=fnstack/db docker compose --profile sqs up
# Holds the compose Postgres's credentials (local use only). Idempotent: an existing secret is kept.
set -euo pipefail
region="${AWS_DEFAULT_REGION:-us-east-1}"
name=fnstack/db
if awslocal --region "$region" secretsmanager describe-secret --secret-id "$name" >/dev/null 2>&1; then
  echo "fnstack: secret $name exists"
  exit 0
fi
awslocal --region "$region" secretsmanager create-secret --name "$name" \
  --secret-string '{"engine":"postgres","username":"fnstack","password":"fnstack","host":"postgres","port":5432,"dbname":"fnstack"}' \
  >/dev/null
echo "fnstack: secret $name (database credentials)"
