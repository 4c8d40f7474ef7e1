#!/bin/bash
# Imports flowdex's saved objects (data views, visualisations, dashboard) into Kibana.
set -euo pipefail
kibana=${1:-http://localhost:5601}
for i in $(seq 1 60); do
    if curl -fs "$kibana/api/status" >/dev/null; then
        break
    fi
    sleep 5
done
curl -fsS -X POST "$kibana/api/saved_objects/_import?overwrite=true" \
     -H 'kbn-xsrf: flowdex' --form file=@/setup/flowdex-saved-objects.ndjson
echo
