/**
 * The demo tour's curl lines, done with the typed TypeScript client (clients/typescript): one entity's
 * features, several entities' chosen features, the view's status and its dead letters. `npm run tour:client`
 * runs it against a running Eddy; the client's integration test runs it against the real app.
 */
import type { EddyClient } from '../../clients/typescript/dist/index.js';

export interface ClientTourResult {
  entity: Awaited<ReturnType<EddyClient['entity']>>;
  online: Awaited<ReturnType<EddyClient['onlineFeatures']>>;
  status: Awaited<ReturnType<EddyClient['status']>>;
  deadLetters: Awaited<ReturnType<EddyClient['deadLetters']['list']>>;
}

export async function clientTour(
  eddy: EddyClient,
  view: string,
  sensors: readonly string[],
  features?: string[],
): Promise<ClientTourResult> {
  const [first] = sensors;
  if (first === undefined) throw new Error('the tour needs at least one sensor');
  const entity = await eddy.entity(view, first, { asOf: 'latest' });
  const online = await eddy.onlineFeatures({
    featureView: view,
    entities: [...sensors],
    ...(features && { features }),
    asOf: 'latest',
  });
  const status = await eddy.status(view);
  const deadLetters = await eddy.deadLetters.list(view, { limit: 5 });
  return { entity, online, status, deadLetters };
}

/** The same tour as text the demo prints: a TypeScript snippet using the client. */
export function clientTourSnippet(
  base: string,
  view: string,
  sensors: readonly string[],
  keyed: boolean,
): string {
  return `import { createEddyClient } from '@eddy/client'; // npm install <eddy>/clients/typescript
const eddy = createEddyClient({ baseUrl: '${base}'${keyed ? ', apiKey: process.env.EDDY_KEY' : ''} });
console.log(await eddy.entity('${view}', '${sensors[0]}', { asOf: 'latest' }));
console.log(await eddy.onlineFeatures({ featureView: '${view}', entities: ${JSON.stringify(sensors)}, asOf: 'latest' }));
console.log(await eddy.status('${view}'), await eddy.deadLetters.list('${view}'));`;
}
