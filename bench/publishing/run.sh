#!/usr/bin/env bash
# SPEC P5, publishing half: publish 100,000 queued outbox messages to a local AMQP 1.0 broker (RabbitMQ, started
# privately) and write messages/second to bench/results/<date>-publishing.md and .json.
# Usage: bench/publishing/run.sh [--messages N] [--cases N] [--publishers N] [--batch N]
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
scripts/install-prerequisites.sh
dotnet build bench/publishing/Ccd.Bench.Publishing.csproj -c Release -nologo -v q -clp:ErrorsOnly
exec dotnet bench/publishing/bin/Release/net10.0/Ccd.Bench.Publishing.dll --out bench/results "$@"
