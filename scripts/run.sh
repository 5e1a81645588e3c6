#!/usr/bin/env bash
# Runs the adoption service on http://127.0.0.1:5000. With no database URL configured (APP_ENV unset or LOCAL)
# it starts an embedded PostgreSQL cluster in ./.data/postgres, kept between runs. Extra arguments go to the
# service's command line (e.g. `scripts/run.sh migrate`, `scripts/run.sh dev-token user u1 --roles admin`).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Build chatter goes to stderr, so that `TOKEN=$(scripts/run.sh dev-token ...)` captures the token alone.
scripts/install-prerequisites.sh serve 1>&2
dotnet build src/Adoption.Service -c Release -nologo -v q -clp:ErrorsOnly 1>&2
exec dotnet src/Adoption.Service/bin/Release/net10.0/Adoption.Service.dll "$@"
