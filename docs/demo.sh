#!/usr/bin/env bash
# The end-to-end demo run by `make demo`: scaffold the USIMS Student Backpack sample project,
# validate, render and build it, then rehearse a district against the local state exchange
# simulator. Everything lands in demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=demo
rm -rf "$demo"
mkdir -p "$demo"

echo "* psplugin init $demo/project"
psplugin -q init "$demo/project"

echo "* psplugin validate $demo/project"
psplugin validate "$demo/project"

echo "* psplugin render $demo/project --district sample --out $demo/rendered/sample"
psplugin render "$demo/project" --district sample --out "$demo/rendered/sample"

echo "* psplugin build $demo/project"
psplugin build "$demo/project"

echo "* psplugin simulate --tls --format json (in the background)"
psplugin simulate --tls --format json > "$demo/simulator.json" 2> "$demo/simulator.log" &
simulator=$!
trap 'kill "$simulator" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    [ -s "$demo/simulator.json" ] && break
    sleep 0.1
done

# A rehearsal district whose Data Exchange points at the simulator, with the simulator's
# sample credentials handed over in environment variables, as a real district's would be.
python - "$demo" <<'PY'
import json, sys
from pathlib import Path

demo = Path(sys.argv[1])
started = json.loads((demo / "simulator.json").read_text().splitlines()[0])
alpine = next(d for d in started["districts"] if d["name"] == "alpine")
(demo / "rehearsal.env").write_text(
    f"REHEARSAL_KEY={alpine['key']}\nREHEARSAL_SECRET={alpine['secret']}\n"
    f"CA_FILE={started['ca_file']}\nTOKEN_URL={started['token_url']}\n"
)
(demo / "project" / "districts" / "rehearsal.yaml").write_text(f"""\
# A rehearsal against `psplugin simulate`: its URLs replace the state's for this district only.
district:
  display_name: Rehearsal (simulated Alpine)
  lea_state_number: "{alpine['lea_state_number']}"
  credentials:
    key: {{env: REHEARSAL_KEY}}
    secret: {{env: REHEARSAL_SECRET}}
data_exchange:
  data_exchange_url: {started['data_exchange_url']}
  authentication_url: {started['auth_url']}
  school_years: {json.dumps(alpine['school_years'])}
""")
PY
set -a; . "$demo/rehearsal.env"; set +a

echo "* psplugin build $demo/project --district rehearsal"
psplugin build "$demo/project" --district rehearsal

echo "* a client-credentials token from the simulated Authentication URL"
python - <<'PY'
import os, requests

response = requests.post(
    os.environ["TOKEN_URL"],
    data={"grant_type": "client_credentials"},
    auth=(os.environ["REHEARSAL_KEY"], os.environ["REHEARSAL_SECRET"]),
    verify=os.environ["CA_FILE"],
    timeout=10,
)
body = response.json()
print(f"  {response.status_code}: token_type={body.get('token_type')}, "
      f"expires_in={body.get('expires_in')} (the token itself is not printed)")
PY

echo
echo "The sample project:        $demo/project/psplugin.yaml, $demo/project/districts/"
echo "The rendered plugin:       $demo/rendered/sample/plugin/"
echo "Its Data Exchange profile: $demo/rendered/sample/data-exchange.json"
echo "The built packages:        $demo/project/dist/ (manifest.json, SHA256SUMS)"
find "$demo/project/dist" -type f -not -name '.*' | sort | sed 's/^/  /'
