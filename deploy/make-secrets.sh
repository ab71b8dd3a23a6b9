#!/bin/sh
# Writes the secrets compose.yaml mounts, once: ./secrets/ (never commit it). Keep a copy of
# master_key somewhere safe: without it the clinical text at rest cannot be read, backups included.
set -eu
cd "$(dirname "$0")"
# The folder is for root only; the files inside must be readable by the containers' user (uid
# 10001), since Compose mounts them as they are.
mkdir -p secrets
chmod 700 secrets
random() { python3 -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom($1)).decode().rstrip('='))"; }
[ -s secrets/postgres_password ] || random 24 >secrets/postgres_password
[ -s secrets/database_url ] || echo "postgresql://xinyu:$(cat secrets/postgres_password)@db:5432/xinyu" >secrets/database_url
[ -s secrets/secret_key ] || random 48 >secrets/secret_key
[ -s secrets/master_key ] || python3 -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())" >secrets/master_key
[ -s secrets/metrics_token ] || random 32 >secrets/metrics_token
chmod 444 secrets/*
echo "secrets are in $(pwd)/secrets"
