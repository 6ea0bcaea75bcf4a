# The two quickstart commands: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
# The dashboard's port: `make demo PORT=8060` when 8050 is taken.
PORT ?= 8050

.PHONY: demo test install install-test browser neo4j-harness axe

install:
	$(PIP) install -q -e .

install-test:
	$(PIP) install -q -e '.[test]'

# Debian's Chromium drives the browser tests; test tools never download a browser of their own.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium + chromium-driver"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# A real Neo4j (neo4j-harness 5.26 from Maven Central), built once, started by the tests.
neo4j-harness:
	$(PYTHON) -c "from mapper.testing.neo4j_server import build_harness; build_harness()"

# axe-core (pinned in package.json and package-lock.json) checks every page in the browser tests.
axe:
	@command -v npm >/dev/null 2>&1 || { \
	  echo "installing Debian nodejs + npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund

# Loads the demo campaign into ./demo.db and serves the dashboard at the address it prints.
demo: install
	mapper demo --port $(PORT)

test: install-test browser neo4j-harness axe
	$(PYTHON) -m pytest
