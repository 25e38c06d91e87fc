#!/usr/bin/env node
'use strict';
// The broker from dist/ module by module, not the bundle bin/ runs: for tools that patch modules as
// they load (c2-trace-hook.js), which a single bundled file hides from them.
require('../../dist/adapters/cli/main.js').main(process.argv.slice(2));
