/**
 * `npm run tour:client -- [--base http://127.0.0.1:3000] [--view nab_sensors] [--sensors a,b]`: the demo tour
 * through the typed TypeScript client (src/demo/client-tour.ts). The key, when the API needs one, comes from
 * EDDY_KEY.
 */
import { parseArgs } from 'node:util';
import { createEddyClient } from '../clients/typescript/dist/index.js';
import { clientTour } from '../src/demo/client-tour.js';
import { DEMO_VIEW } from '../src/demo/demo-view.js';
import { NAB_SERIES } from '../src/demo/nab.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
    view: { type: 'string', default: DEMO_VIEW },
    sensors: { type: 'string' },
  },
});
const sensors = values.sensors?.split(',') ?? NAB_SERIES.map((s) => s.sensor);
const eddy = createEddyClient({ baseUrl: values.base, apiKey: process.env.EDDY_KEY });
const result = await clientTour(eddy, values.view, sensors);
console.log(JSON.stringify(result, null, 2));
