import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { clusterRoleManifest } from './rbac.js';

describe('the ClusterRole manifest', () => {
  it('examples/kubernetes/rbac.yaml carries the package’s ClusterRole unchanged', () => {
    const example = readFileSync(fileURLToPath(new URL('../../../examples/kubernetes/rbac.yaml', import.meta.url)), 'utf8');
    const role = parseAllDocuments(example)
      .map((d) => d.toJS() as { kind: string })
      .find((d) => d.kind === 'ClusterRole');
    expect(role).toEqual(parse(clusterRoleManifest()));
  });

  it('grants no write on nodes and no wildcard', () => {
    const role = parse(clusterRoleManifest()) as { rules: { resources: string[]; verbs: string[] }[] };
    for (const rule of role.rules) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      if (rule.resources.includes('nodes')) expect(rule.verbs).toEqual(['get', 'list', 'watch']);
    }
  });
});
