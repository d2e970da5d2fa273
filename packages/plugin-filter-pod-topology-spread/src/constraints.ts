import type { Labels, Node, ObjectLister, Pod, TopologySpreadConstraint } from '@schedkit/framework';
import { defaultSelector } from './default-selector.js';
import { hasUntoleratedScheduleTaint, type RequiredNodeAffinity } from './node-inclusion.js';
import { SpreadSelector } from './selector.js';

/** `DoNotSchedule` (hard: Filter) or `ScheduleAnyway` (soft: Score). */
export type UnsatisfiableAction = TopologySpreadConstraint['whenUnsatisfiable'];

/** Whether a node inclusion policy takes the pod's node affinity / the node's taints into account. */
export type NodeInclusionPolicy = 'Honor' | 'Ignore';

/** A topology spread constraint ready for evaluation: its selector parsed and its defaults applied. */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: SpreadSelector;
  /** 1 when unset. */
  readonly minDomains: number;
  /** `Honor` when unset: only nodes matching the pod's required node affinity form domains. */
  readonly nodeAffinityPolicy: NodeInclusionPolicy;
  /** `Ignore` when unset: tainted nodes still form domains. */
  readonly nodeTaintsPolicy: NodeInclusionPolicy;
}

/**
 * The constraints of `constraints` whose whenUnsatisfiable is `action`, parsed (kube's
 * `filterTopologySpreadConstraints`). Labels of the pod named by `matchLabelKeys` are ANDed into the selector
 * (keys the pod lacks are ignored). Throws a SelectorError for a selector that does not parse.
 */
export function parseConstraints(
  constraints: readonly TopologySpreadConstraint[],
  podLabels: Labels | undefined,
  action: UnsatisfiableAction,
): SpreadConstraint[] {
  const result: SpreadConstraint[] = [];
  // Equal selectors become one object, so that counting runs once per node for all of them.
  const selectors = new Map<string, SpreadSelector>();
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = SpreadSelector.fromLabelSelector(c.labelSelector);
    if (c.matchLabelKeys && c.matchLabelKeys.length > 0) {
      const matchLabels: Labels = {};
      let any = false;
      for (const key of c.matchLabelKeys) {
        if (podLabels && Object.hasOwn(podLabels, key)) {
          matchLabels[key] = podLabels[key]!;
          any = true;
        }
      }
      if (any) selector = selector.mergedWithLabels(matchLabels);
    }
    const key = JSON.stringify(selector.requirements);
    selector = selectors.get(key) ?? selector;
    selectors.set(key, selector);
    result.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    });
  }
  return result;
}

/** Where PodTopologySpread takes the constraints of pods that declare none. */
export interface DefaultConstraintSource {
  /** The configured (or system) default constraints. */
  readonly constraints: readonly TopologySpreadConstraint[];
  /** Services and controllers, for the per-pod default selector. */
  readonly objects: ObjectLister;
}

/**
 * The constraints of `pod` for `action`: the pod's own when it declares any (of any action), otherwise the
 * default constraints with the selector of the Services/controllers that select the pod. Without such a
 * selector no default constraint applies (kube's `getConstraints` / `buildDefaultConstraints`).
 */
export function constraintsFor(pod: Pod, action: UnsatisfiableAction, defaults: DefaultConstraintSource): SpreadConstraint[] {
  const own = pod.spec.topologySpreadConstraints;
  if (own && own.length > 0) return parseConstraints(own, pod.metadata.labels, action);
  if (defaults.constraints.length === 0) return [];
  const parsed = parseConstraints(defaults.constraints, pod.metadata.labels, action);
  if (parsed.length === 0) return parsed;
  const selector = defaultSelector(pod, defaults.objects);
  if (selector.empty) return [];
  return parsed.map((c) => ({ ...c, selector }));
}

/** True when `labels` has every constraint's topology key (kube's `nodeLabelsMatchSpreadConstraints`). */
export function hasAllTopologyKeys(labels: Labels | undefined, constraints: readonly SpreadConstraint[]): boolean {
  if (labels === undefined) return constraints.length === 0;
  for (let i = 0; i < constraints.length; i++) {
    if (!Object.hasOwn(labels, constraints[i]!.topologyKey)) return false;
  }
  return true;
}

/**
 * Decides which nodes count as domains for a constraint under its node inclusion policies, caching the
 * per-node affinity and taint checks so that several constraints evaluate them once per node.
 */
export class NodeInclusion {
  private node: Node | undefined;
  private affinity = 0; // 0: unknown, 1: matches, 2: does not match
  private taints = 0; // 0: unknown, 1: tolerated, 2: untolerated taint

  constructor(
    private readonly pod: Pod,
    private readonly requiredAffinity: RequiredNodeAffinity,
  ) {}

  /** True when `node` may host a domain of `constraint` (kube's `matchNodeInclusionPolicies`). */
  includes(constraint: SpreadConstraint, node: Node): boolean {
    if (node !== this.node) {
      this.node = node;
      this.affinity = 0;
      this.taints = 0;
    }
    if (constraint.nodeAffinityPolicy === 'Honor') {
      if (this.affinity === 0) this.affinity = this.requiredAffinity.matches(node) ? 1 : 2;
      if (this.affinity === 2) return false;
    }
    if (constraint.nodeTaintsPolicy === 'Honor') {
      if (this.taints === 0) this.taints = hasUntoleratedScheduleTaint(node, this.pod.spec.tolerations) ? 2 : 1;
      if (this.taints === 2) return false;
    }
    return true;
  }
}
