/**
 * Builds the client from the committed OpenAPI document: `src/schema.ts` (openapi-typescript) and `dist/`
 * (TypeScript's emit of `src/`: JS and declarations). `npm run openapi` runs it after writing openapi.json; a
 * test rebuilds in memory and fails when the committed files differ.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import ts from 'typescript';

export const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const OPENAPI = join(CLIENT_DIR, '..', '..', 'openapi', 'openapi.json');

/** The generated types of the committed OpenAPI document. */
export async function generateSchema(): Promise<string> {
  const ast = await openapiTS(readFileSync(OPENAPI, 'utf8'));
  return COMMENT_HEADER + astToString(ast);
}

/** Compiles `src/` (with `schema` as src/schema.ts) and returns the emitted files by path relative to the package. */
export function compile(schema: string): Map<string, string> {
  const configPath = join(CLIENT_DIR, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const schemaPath = join(CLIENT_DIR, 'src', 'schema.ts');
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (file === schemaPath ? schema : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === schemaPath || fileExists(file);
  const names = [...new Set([...config.fileNames, schemaPath])];
  const program = ts.createProgram(names, config.options, host);
  const out = new Map<string, string>();
  const result = program.emit(undefined, (file, text) => out.set(relative(CLIENT_DIR, file), text));
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0) {
    throw new Error(
      ts.formatDiagnostics(diagnostics, { ...host, getNewLine: () => '\n' } as ts.FormatDiagnosticsHost),
    );
  }
  return out;
}

/** Every generated file of the client: src/schema.ts and dist/. */
export async function buildClient(): Promise<Map<string, string>> {
  const schema = await generateSchema();
  const files = compile(schema);
  files.set('src/schema.ts', schema);
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, text] of await buildClient()) {
    const target = join(CLIENT_DIR, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  console.log('built clients/typescript (src/schema.ts, dist/)');
}
