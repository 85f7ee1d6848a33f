// Bundles the extension (and, with --tests, the node tests) into dist/.
import * as esbuild from "esbuild";

const common = { bundle: true, platform: "node", target: "node18", format: "cjs", logLevel: "warning" };

if (process.argv.includes("--tests")) {
  await esbuild.build({ ...common, entryPoints: ["test/client.test.ts"], outdir: "dist/test" });
} else {
  await esbuild.build({
    ...common,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    external: ["vscode"],
    minify: true,
  });
}
