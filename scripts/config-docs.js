'use strict';
// Rewrites the option table of docs/configuration.md (between the options:begin/end markers) from the
// code: names, environment variables and defaults from src/adapters/config/broker-config.ts, the
// description from option-help.ts. Run after `npm run build`; a unit test checks the table is current.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { OPTION_NAMES, DEFAULT_CONFIG } = require(path.join(root, 'dist/adapters/config/broker-config'));
const { OPTION_HELP } = require(path.join(root, 'dist/adapters/config/option-help'));

/** The table rows, as docs/configuration.md shows them. */
function optionTable() {
  const rows = ['| Flag | Environment | File key | Default | What it does (Kafka setting it mirrors) |', '| --- | --- | --- | --- | --- |'];
  for (const [key, kebab] of Object.entries(OPTION_NAMES)) {
    const def = DEFAULT_CONFIG[key];
    const env = `COHORT_${kebab.toUpperCase().replace(/-/g, '_')}`;
    rows.push(`| \`--${kebab}\` | \`${env}\` | \`${key}\` | \`${def === null ? 'unset' : String(def)}\` | ${OPTION_HELP[key].replace(/\|/g, '\\|')} |`);
  }
  return `${rows.join('\n')}\n`;
}

const BEGIN = /(<!-- options:begin[^\n]*-->\n)[\s\S]*?(<!-- options:end -->)/;

if (require.main === module) {
  const file = path.join(root, 'docs/configuration.md');
  const text = fs.readFileSync(file, 'utf8');
  if (!BEGIN.test(text)) throw new Error('docs/configuration.md has no options:begin/end markers');
  fs.writeFileSync(file, text.replace(BEGIN, (_m, begin, end) => `${begin}${optionTable()}${end}`));
}

module.exports = { optionTable };
