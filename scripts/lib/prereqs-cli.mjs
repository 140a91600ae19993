// node scripts/lib/prereqs-cli.mjs <purpose>…: installs (or says how to install) the system packages for each
// purpose (see prereqs.mjs); exit 1 when something is still missing. Node built-ins only (runs before `npm ci`).
import { ensurePackages, PURPOSES } from './prereqs.mjs';

const purposes = process.argv.slice(2);
const unknown = purposes.filter((p) => !PURPOSES[p]);
if (!purposes.length || unknown.length) {
  console.error(`usage: node scripts/lib/prereqs-cli.mjs <${Object.keys(PURPOSES).join('|')}>…`);
  process.exit(2);
}
const r = ensurePackages(purposes);
if (r.ok) console.log(`[prereqs] present: ${[...new Set(purposes.flatMap((p) => PURPOSES[p]))].join(' ')}`);
process.exit(r.ok ? 0 : 1);
