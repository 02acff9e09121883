import { EventTypes } from '@argus/contracts';
import { ArgusConfig } from '@argus/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The docs name what the code has: a new event or setting without a line there fails here. */
describe('documentation stays true', () => {
  it('docs/architecture.md lists every event type', () => {
    const events = read('docs/architecture.md').split('## Events')[1].split('\n## ')[0];
    const missing = Object.values(EventTypes).filter((type) => !events.includes(`\`${type}\``));
    expect(missing).toEqual([]);
  });

  it('the README configuration table has a row for every environment variable', () => {
    const table = read('README.md').split('## Configuration')[1].split('\n## ')[0];
    const variables = [...Object.keys(new ArgusConfig()), 'NATS_URL', 'ARGUS_KEK', 'ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID', 'ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET', 'ARGUS_ACCESS_TOKEN_AUDIENCE', 'ARGUS_QUEUE_GROUP'];
    const missing = [...new Set(variables)].filter((name) => !table.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('README links only to files inside the repository, and they exist', () => {
    const links = [...read('README.md').matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]).filter((href) => !/^https?:/.test(href));
    for (const href of links) {
      expect([href, href.startsWith('..')]).toEqual([href, false]);
      expect([href, readFileSync(join(ROOT, href)).length > 0]).toEqual([href, true]);
    }
  });
});
