import { z } from 'zod';
import { type ConfigIssue, pathOf } from './errors.js';
import { extenderDocumentSchema } from './extenders.js';
import { type PluginPoint, PluginPoints, SchedulerConfigurationApiVersion, SchedulerConfigurationKind } from './types.js';

/*
 * The shape of a configuration document as written: kube's v1 KubeSchedulerConfiguration fields plus schedkit's
 * top-level `plugins:` list. Optional fields accept null, which YAML produces for a key without a value and which
 * kube reads as absent. Values are checked here only for type; ranges and cross-field rules are in validate.ts.
 */

const integer = z.int({ error: (issue) => typeMessage('integer', issue.input) });

const pluginSchema = z.strictObject({
  name: z.string().min(1),
  weight: z.number().nullish(),
});

const pluginSetSchema = z.strictObject({
  enabled: z.array(pluginSchema).nullish(),
  disabled: z.array(pluginSchema).nullish(),
});

const optionalPluginSet = pluginSetSchema.nullish();

const pluginsSchema = z.strictObject(
  Object.fromEntries(PluginPoints.map((point) => [point, optionalPluginSet])) as Record<PluginPoint, typeof optionalPluginSet>,
);

const pluginConfigSchema = z.strictObject({
  name: z.string().min(1),
  args: z.unknown(),
});

const profileSchema = z.strictObject({
  schedulerName: z.string().nullish(),
  percentageOfNodesToScore: integer.nullish(),
  plugins: pluginsSchema.nullish(),
  pluginConfig: z.array(pluginConfigSchema).nullish(),
});

const pluginPackageSchema = z.union([z.string().min(1), z.tuple([z.string().min(1), z.unknown()])], {
  error: 'expected a package specifier or a [specifier, options] pair',
});

/** kube fields that configure its process (leader election, API client, debug endpoints): accepted, and ignored. */
const processFields = {
  leaderElection: z.record(z.string(), z.unknown()).nullish(),
  clientConnection: z.record(z.string(), z.unknown()).nullish(),
  healthzBindAddress: z.string().nullish(),
  metricsBindAddress: z.string().nullish(),
  enableProfiling: z.boolean().nullish(),
  enableContentionProfiling: z.boolean().nullish(),
  delayCacheUntilActive: z.boolean().nullish(),
};

/** A configuration document, checked for shape only. */
export const configurationDocumentSchema = z.strictObject({
  apiVersion: z.literal(SchedulerConfigurationApiVersion),
  kind: z.literal(SchedulerConfigurationKind),
  parallelism: integer.nullish(),
  percentageOfNodesToScore: integer.nullish(),
  podInitialBackoffSeconds: integer.nullish(),
  podMaxBackoffSeconds: integer.nullish(),
  profiles: z.array(profileSchema).nullish(),
  extenders: z.array(extenderDocumentSchema).nullish(),
  plugins: z.array(pluginPackageSchema).nullish(),
  ...processFields,
});

/** A configuration document as written, after the shape check. */
export type ConfigurationDocument = z.infer<typeof configurationDocumentSchema>;
/** One profile of a {@link ConfigurationDocument}. */
export type ProfileDocument = z.infer<typeof profileSchema>;
/** A profile's `plugins` as written. */
export type PluginsDocument = z.infer<typeof pluginsSchema>;

/** Checks the shape of a parsed document; returns the typed document or the issues, each naming its path. */
export function checkDocumentShape(input: unknown): { document: ConfigurationDocument } | { issues: ConfigIssue[] } {
  const result = configurationDocumentSchema.safeParse(input, { error: messageOf });
  if (result.success) return { document: result.data };
  return {
    issues: result.error.issues.flatMap((issue) => {
      const path = pathOf(issue.path);
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path, message: `unknown field "${key}"` }));
      return [{ path, message: issue.message }];
    }),
  };
}

/** Our wording of zod's issues (undefined keeps zod's). */
function messageOf(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return typeMessage(issue.expected === 'int' ? 'integer' : issue.expected === 'record' ? 'object' : issue.expected, issue.input);
    case 'invalid_value':
      if (issue.input === undefined) return 'is required';
      return `must be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return issue.origin === 'string' ? 'must not be empty' : undefined;
    default:
      return undefined;
  }
}

function typeMessage(expected: string, input: unknown): string {
  return input === undefined ? 'is required' : `expected ${expected}, got ${describeValue(input)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}
