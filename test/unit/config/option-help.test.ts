import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OPTION_NAMES } from '../../../src/adapters/config/broker-config';
import { OPTION_HELP } from '../../../src/adapters/config/option-help';

/** Issue "Event-sourced group core" item 5: every option's --help line says what it does and what Kafka setting it mirrors. */
describe('cohort-server --help', () => {
  test.each(Object.entries(OPTION_NAMES))('--%s: says what it does and names the Kafka setting it mirrors (or that it is Cohort only)', (key, kebab) => {
    const help = OPTION_HELP[key as keyof typeof OPTION_HELP];
    expect(help.length).toBeGreaterThan(kebab.length + 20);
    expect(help).toMatch(/Kafka|Cohort only/);
  });

  test('the printed --help carries those lines', () => {
    const out = spawnSync(process.execPath, [resolve(__dirname, '../../../bin/cohort-server.js'), '--help'], { encoding: 'utf8' }).stdout;
    for (const help of Object.values(OPTION_HELP)) expect(out.replace(/\s+/g, ' ')).toContain(help.replace(/\s+/g, ' '));
  });
});

describe('docs/configuration.md', () => {
  test('its option table is the one the code generates (node scripts/config-docs.js)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { optionTable } = require('../../../scripts/config-docs.js') as { optionTable: () => string };
    const doc = readFileSync(resolve(__dirname, '../../../docs/configuration.md'), 'utf8');
    expect(doc).toContain(optionTable());
  });
});
