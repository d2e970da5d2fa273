/**
 * `@schedkit/create-plugin`: scaffolds a schedkit plugin package (`npm create @schedkit/plugin <name> -- --point score`).
 * @packageDocumentation
 */
export { run } from './cli.js';
export { defaultFrameworkRange, releasedRange, type SchedkitPackage } from './framework-range.js';
export {
  assertPackageName,
  assertPluginName,
  kebabCase,
  parsePoints,
  pluginNameFor,
  ScaffoldError,
  type ScaffoldPoint,
  type ScaffoldPointName,
  ScaffoldPoints,
  unscopedName,
} from './names.js';
export { type ScaffoldOptions, type ScaffoldResult, scaffoldPlugin, schedkitWorkspaceAbove } from './scaffold.js';
export { type GeneratedFile, defaultLabelKey, pluginPackageFiles, type TemplateInput, ToolVersions } from './templates.js';
