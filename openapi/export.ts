/** `npm run openapi`: writes openapi/openapi.json (committed; a test fails when it is stale). */
import { writeFile } from 'node:fs/promises';
import { generateOpenApi, serializeOpenApi } from './generate.js';

const target = new URL('./openapi.json', import.meta.url);
await writeFile(target, serializeOpenApi(await generateOpenApi()));
console.log('wrote openapi/openapi.json');
