// The client wiring that does not need VS Code: how to start the server,
// which documents are Sigma rules, and what settings the server receives.
// Kept free of `vscode` imports so node tests can run it against the binary.

/** The `sigmalens.*` settings, as read from the workspace configuration. */
export interface SigmalensSettings {
  path: string;
  indexPath: string;
  select: string[];
  ignore: string[];
  ruleGlobs: string[];
}

export const DEFAULT_SETTINGS: SigmalensSettings = {
  path: "",
  indexPath: "",
  select: [],
  ignore: [],
  ruleGlobs: ["**/*.yml", "**/*.yaml"],
};

/** What the server understands: the keys of `.sigmalens.toml`. */
export interface LintSettings {
  select: string[];
  ignore: string[];
}

export interface ServerCommand {
  command: string;
  args: string[];
}

export function serverCommand(settings: SigmalensSettings): ServerCommand {
  const args = ["server", "--stdio"];
  if (settings.indexPath !== "") {
    args.push("--index", settings.indexPath);
  }
  return { command: settings.path !== "" ? settings.path : "sigmalens", args };
}

/**
 * The lint settings sent as `initializationOptions` and as the answer to
 * `workspace/configuration`: the server rejects unknown keys, so editor-only
 * settings (path, globs, trace) stay out.
 */
export function lintSettings(settings: SigmalensSettings): LintSettings {
  return { select: [...settings.select], ignore: [...settings.ignore] };
}

/** One filter per glob: YAML files on disk or unsaved. */
export function documentSelector(
  settings: SigmalensSettings,
): { language: string; scheme: string; pattern?: string }[] {
  const onDisk = settings.ruleGlobs.map((pattern) => ({ language: "yaml", scheme: "file", pattern }));
  return [...onDisk, { language: "yaml", scheme: "untitled" }];
}

// A top-level key of a Sigma rule, detection rule or correlation/filter rule,
// the same keys `sigmalens lint` uses to tell rules from other YAML.
const SIGMA_KEY = /^(detection|logsource|correlation|filter)\s*:/m;

/** Whether a YAML text is a Sigma rule the server should see. */
export function isSigmaRule(text: string): boolean {
  return SIGMA_KEY.test(text);
}
