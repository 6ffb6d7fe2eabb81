import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerBuild {
  /** The entry point `npm start` runs, compiled from today's src/. */
  main: string;
  remove: () => Promise<void>;
}

/**
 * Compiles src/ for tests that need Agora as its own process, exactly as
 * `npm start` runs it (a signal goes to that process, not to Jest's). File by
 * file, like ts-jest (tsconfig's isolatedModules makes that the same output as
 * `nest build`), so the suite does not depend on a stale dist/. The output goes
 * under node_modules/.cache so Node resolves the packages from the repository.
 */
export async function buildServer(): Promise<ServerBuild> {
  const parsed = ts.parseJsonConfigFileContent(
    ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path)).config,
    ts.sys,
    ROOT,
  );
  // File by file TypeScript cannot tell a nodenext file's format from package.json; it is ESM.
  const options: ts.CompilerOptions = {
    ...parsed.options,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    sourceMap: false,
  };
  const cache = join(ROOT, 'node_modules/.cache/agora-test-build');
  await mkdir(cache, { recursive: true });
  const out = await mkdtemp(join(cache, 'build-'));
  // Node looks for "type": "module" in the nearest package.json; node_modules/ has none.
  await writeFile(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const file of await sources(join(ROOT, 'src'))) {
    const { outputText, diagnostics } = ts.transpileModule(await readFile(file, 'utf8'), {
      compilerOptions: options,
      fileName: file,
      reportDiagnostics: true,
    });
    if (diagnostics?.length) {
      throw new Error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost(options)));
    }
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  return {
    main: join(out, 'src/main.js'),
    remove: () => rm(out, { recursive: true, force: true }),
  };
}

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts'))
    .map((e) => join(e.parentPath, e.name));
}
